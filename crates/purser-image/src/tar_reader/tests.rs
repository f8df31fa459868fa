use std::io;

use super::*;
use crate::test_tar_writer::{header_block, Fields, TarWriter, BLOCK};

fn read_all(data: &[u8], max_name: usize) -> Result<Vec<(RawEntry, Vec<u8>)>, TarError> {
    let mut reader = TarReader::new(SliceInput::new(data), max_name);
    let mut entries = Vec::new();
    while let Some(entry) = reader.next_entry()? {
        let mut contents = vec![0u8; entry.size as usize];
        let mut filled = 0;
        while filled < contents.len() {
            filled += reader.read_data(&mut contents[filled..])?;
        }
        entries.push((entry, contents));
    }
    Ok(entries)
}

fn path_of(entry: &RawEntry) -> String {
    match &entry.path {
        Name::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Name::TooLong { length } => format!("<too long: {length}>"),
    }
}

#[test]
fn reads_what_the_tar_crate_writes_including_gnu_long_names_and_pax() {
    let long_path = format!("{}/file.txt", "deep/".repeat(40));
    let mut builder = tar::Builder::new(Vec::new());

    let mut header = tar::Header::new_gnu();
    header.set_size(5);
    header.set_mode(0o4755);
    header.set_uid(1000);
    header.set_gid(1000);
    header.set_entry_type(tar::EntryType::Regular);
    builder
        .append_data(&mut header, &long_path, &b"hello"[..])
        .expect("append long name");

    builder
        .append_pax_extensions([("path", &b"pax/named/file"[..]), ("uid", b"4242")])
        .expect("pax");
    let mut header = tar::Header::new_ustar();
    header.set_size(3);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    builder
        .append_data(&mut header, "short", &b"abc"[..])
        .expect("append pax file");

    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Symlink);
    header.set_size(0);
    builder
        .append_link(&mut header, "link", "x".repeat(150))
        .expect("append long link");
    let data = builder.into_inner().expect("finish");

    let entries = read_all(&data, 4096).expect("valid archive");
    assert_eq!(entries.len(), 3);

    let (first, contents) = &entries[0];
    assert_eq!(path_of(first), long_path);
    assert_eq!(first.kind, RawKind::Regular);
    assert_eq!(first.mode, 0o4755);
    assert_eq!((first.uid, first.gid), (1000, 1000));
    assert_eq!(contents, b"hello");

    let (second, contents) = &entries[1];
    assert_eq!(path_of(second), "pax/named/file");
    assert_eq!(second.uid, 4242);
    assert_eq!(contents, b"abc");

    let (third, _) = &entries[2];
    assert_eq!(third.kind, RawKind::Symlink);
    assert_eq!(third.link, Name::Bytes("x".repeat(150).into_bytes()));
}

#[test]
fn the_name_limit_is_capped_whatever_the_caller_asks() {
    let mut writer = TarWriter::new();
    let mut claim = Fields::new(b"././@LongLink", b'L');
    claim.size = (MAX_NAME_BYTES as u64) + 2;
    writer.entry(&claim, &vec![b'a'; MAX_NAME_BYTES + 2]);
    writer.file("short", 0o644, b"");
    let data = writer.finish();
    let entries = read_all(&data, usize::MAX).expect("valid archive");
    assert_eq!(
        entries[0].0.path,
        Name::TooLong {
            length: MAX_NAME_BYTES as u64 + 2
        }
    );
}

#[test]
fn ustar_prefix_and_entry_kinds() {
    let mut writer = TarWriter::new();
    writer.dir("etc/", 0o755);
    writer.char_device("dev/null", 1, 3);
    writer.fifo("run/pipe");
    writer.hardlink("bin/b", "bin/a");
    writer.entry(&Fields::new(b"old/style/dir/", 0), b"");
    writer.entry(&Fields::new(b"volume", b'V'), b"");
    let mut block = header_block(&Fields::new(b"name", b'0'));
    block[345..351].copy_from_slice(b"prefix");
    block[148..156].fill(b' ');
    let sum: u64 = block.iter().map(|&b| u64::from(b)).sum();
    block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    writer.raw(&block);
    let data = writer.finish();

    let entries = read_all(&data, 4096).expect("valid archive");
    let kinds: Vec<_> = entries.iter().map(|(entry, _)| entry.kind).collect();
    assert_eq!(
        kinds,
        [
            RawKind::Directory,
            RawKind::CharDevice,
            RawKind::Fifo,
            RawKind::Hardlink,
            RawKind::Directory,
            RawKind::Other(b'V'),
            RawKind::Regular,
        ]
    );
    assert_eq!(entries[1].0.device, (1, 3));
    assert_eq!(entries[3].0.link, Name::Bytes(b"bin/a".to_vec()));
    assert_eq!(path_of(&entries[6].0), "prefix/name");
}

#[test]
fn header_only_types_carry_no_data_whatever_their_size_says() {
    // A symlink claiming 1024 bytes of data, followed directly by a file header: Go's
    // archive/tar (and so the container runtime) sees the file; so must we.
    let mut writer = TarWriter::new();
    let mut symlink = Fields::new(b"link", b'2');
    symlink.link = b"target".to_vec();
    symlink.size = 1024;
    writer.entry(&symlink, b"");
    writer.file("hidden-from-naive-readers", 0o644, b"data");
    let data = writer.finish();

    let entries = read_all(&data, 4096).expect("valid archive");
    let paths: Vec<_> = entries.iter().map(|(entry, _)| path_of(entry)).collect();
    assert_eq!(paths, ["link", "hidden-from-naive-readers"]);
    assert_eq!(entries[0].0.size, 0);
}

#[test]
fn a_long_name_header_claiming_10_gib_is_skipped_without_allocating() {
    let mut writer = TarWriter::new();
    let mut claim = Fields::new(b"././@LongLink", b'L');
    claim.size = 10 << 30;
    writer.entry(&claim, b"");
    writer.file("after", 0o644, b"x");
    let data = writer.finish();

    let mut reader = TarReader::new(SliceInput::new(&data), 4096);
    let error = reader
        .next_entry()
        .expect_err("the claim runs past the end");
    assert_eq!(error.cause.kind(), io::ErrorKind::UnexpectedEof);
    assert_eq!(error.offset, data.len() as u64);

    // The failure is sticky.
    assert!(reader.next_entry().is_err());
    assert!(reader.read_data(&mut [0u8; 4]).is_err());
}

#[test]
fn names_over_the_limit_are_reported_not_read() {
    let mut writer = TarWriter::new();
    writer.long_name(&vec![b'a'; 5000]);
    writer.file("ignored-short-name", 0o644, b"contents");
    writer.pax(&[("path", &"b".repeat(300))]);
    writer.file("x", 0o644, b"");
    writer.pax(&[("linkpath", &"c".repeat(300))]);
    writer.symlink("link", "ignored");
    let data = writer.finish();

    let entries = read_all(&data, 200).expect("valid archive");
    assert_eq!(entries[0].0.path, Name::TooLong { length: 5001 });
    assert_eq!(entries[0].1, b"contents");
    assert_eq!(entries[1].0.path, Name::TooLong { length: 300 });
    assert_eq!(entries[2].0.link, Name::TooLong { length: 300 });
}

#[test]
fn gnu_long_name_wins_over_pax_path_as_in_go() {
    let mut writer = TarWriter::new();
    writer.pax(&[("path", "from-pax")]);
    writer.long_name(b"from-gnu");
    writer.file("from-header", 0o644, b"");
    let data = writer.finish();
    let entries = read_all(&data, 4096).expect("valid archive");
    assert_eq!(path_of(&entries[0].0), "from-gnu");
}

#[test]
fn pax_size_overrides_the_header() {
    let mut writer = TarWriter::new();
    writer.pax(&[("size", "600"), ("gid", "77")]);
    let mut fields = Fields::new(b"big", b'0');
    fields.size = 0;
    writer.entry(&fields, &[9u8; 600]);
    writer.file("next", 0o644, b"n");
    let data = writer.finish();

    let entries = read_all(&data, 4096).expect("valid archive");
    assert_eq!(entries[0].0.size, 600);
    assert_eq!(entries[0].0.gid, 77);
    assert_eq!(entries[0].1, vec![9u8; 600]);
    assert_eq!(path_of(&entries[1].0), "next");
}

#[test]
fn oversized_and_malformed_pax_headers_are_errors() {
    let mut writer = TarWriter::new();
    let mut fields = Fields::new(b"pax", b'x');
    fields.size = MAX_PAX_HEADER_BYTES + 1;
    writer.entry(&fields, b"");
    let data = writer.finish();
    let error = read_all(&data, 4096).expect_err("too big");
    assert!(
        error.cause.to_string().contains("exceeds the limit"),
        "{}",
        error.cause
    );
    assert_eq!(error.offset, 0);

    let mut writer = TarWriter::new();
    let mut fields = Fields::new(b"pax", b'x');
    fields.size = 7;
    writer.entry(&fields, b"garbage");
    writer.file("x", 0o644, b"");
    let error = read_all(&writer.finish(), 4096).expect_err("malformed");
    assert!(
        error.cause.to_string().contains("bad pax header"),
        "{}",
        error.cause
    );
}

#[test]
fn checksum_mismatch_names_the_header_offset() {
    let mut writer = TarWriter::new();
    writer.file("good", 0o644, b"1234");
    let mut data = writer.finish();
    data[BLOCK * 2..BLOCK * 3].copy_from_slice(&[b'g'; BLOCK]);

    let mut reader = TarReader::new(SliceInput::new(&data), 4096);
    assert!(reader.next_entry().expect("first entry").is_some());
    let error = reader.next_entry().expect_err("garbage header");
    assert_eq!(error.offset, (BLOCK * 2) as u64);
    assert!(
        error.cause.to_string().contains("checksum"),
        "{}",
        error.cause
    );
}

#[test]
fn truncated_data_is_an_unexpected_end() {
    let mut writer = TarWriter::new();
    let mut fields = Fields::new(b"cut", b'0');
    fields.size = 4096;
    writer.entry(&fields, &[1u8; 100]);
    let data = writer.unterminated();

    let mut reader = TarReader::new(SliceInput::new(&data), 4096);
    let entry = reader.next_entry().expect("header").expect("entry");
    assert_eq!(entry.size, 4096);
    let mut buf = vec![0u8; 4096];
    let mut total = 0;
    let error = loop {
        match reader.read_data(&mut buf[total..]) {
            Ok(count) => total += count,
            Err(error) => break error,
        }
    };
    assert_eq!(
        total, BLOCK,
        "everything present is read: the data and its block padding"
    );
    assert_eq!(error.cause.kind(), io::ErrorKind::UnexpectedEof);
    assert!(reader.failure().is_some());
}

#[test]
fn stops_at_the_first_zero_block_and_keeps_the_rest_for_the_caller() {
    let mut writer = TarWriter::new();
    writer.file("a", 0o644, b"1");
    let mut data = writer.finish();
    data.extend_from_slice(b"trailing bytes after the end marker");

    let mut reader = TarReader::new(SliceInput::new(&data), 4096);
    assert!(reader.next_entry().expect("entry").is_some());
    assert!(reader.next_entry().expect("end").is_none());
    assert!(reader.next_entry().expect("still end").is_none());
    assert_eq!(reader.into_input().position(), (BLOCK * 3) as u64);
}

#[test]
fn an_archive_ending_after_an_extension_header_is_corrupt() {
    let mut writer = TarWriter::new();
    writer.long_name(b"dangling");
    let data = writer.unterminated();
    let error = read_all(&data, 4096).expect_err("no entry follows");
    assert!(
        error.cause.to_string().contains("extension header"),
        "{}",
        error.cause
    );
}

#[test]
fn empty_input_has_no_entries() {
    assert!(read_all(b"", 4096).expect("empty").is_empty());
}

#[test]
fn gnu_sparse_entries_skip_their_extension_blocks() {
    let mut block = header_block(&Fields::new(b"sparse", b'S'));
    block[257..263].copy_from_slice(b"ustar ");
    block[263..265].copy_from_slice(b" \0");
    block[124..136].copy_from_slice(b"00000001000\0");
    block[482] = 1;
    block[483..495].copy_from_slice(b"00000100000\0");
    block[148..156].fill(b' ');
    let sum: u64 = block.iter().map(|&b| u64::from(b)).sum();
    block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());

    let mut extension = [0u8; BLOCK];
    extension[504] = 1;
    let last_extension = [0u8; BLOCK];

    let mut writer = TarWriter::new();
    writer
        .raw(&block)
        .raw(&extension)
        .raw(&last_extension)
        .raw(&[5u8; BLOCK]);
    writer.file("after", 0o644, b"ok");
    let data = writer.finish();

    let entries = read_all(&data, 4096).expect("valid archive");
    assert_eq!(entries[0].0.sparse_real_size, Some(0o100000));
    assert_eq!(entries[0].0.size, 512);
    assert_eq!(entries[0].0.data_offset, (BLOCK * 3) as u64);
    assert_eq!(path_of(&entries[1].0), "after");
}

#[test]
fn stream_input_gives_the_same_entries_as_slice_input() {
    let mut writer = TarWriter::new();
    writer
        .file("a", 0o644, &[1u8; 70_000])
        .file("b", 0o600, b"bee");
    let data = writer.finish();

    let mut reader = TarReader::new(StreamInput::new(&data[..]), 4096);
    let first = reader.next_entry().expect("entry").expect("a");
    assert_eq!(first.size, 70_000);
    let second = reader.next_entry().expect("entry").expect("b");
    assert_eq!(path_of(&second), "b");
    let mut buf = [0u8; 8];
    assert_eq!(reader.read_data(&mut buf).expect("read"), 3);
    assert!(reader.next_entry().expect("end").is_none());
}
