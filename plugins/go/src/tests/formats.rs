//! The build information of Mach-O (thin and universal) and PE executables, built here byte by
//! byte like the ELF ones: the same blob must give the same packages in every format, and no
//! cut of the file may panic.

use super::*;

/// The packages the blob of [`inline_blob`] with [`MODULE_INFO`] gives, in any format.
fn expected() -> Vec<(String, String)> {
    vec![
        pair("example.com/app", "(devel)"),
        pair("github.com/BurntSushi/toml", "v1.3.2"),
        pair("github.com/fork/net", "v0.2.0"),
        pair("stdlib", "1.22.0"),
    ]
}

/// Writes `value` little-endian at `at`.
fn put(file: &mut [u8], at: usize, value: &[u8]) {
    file[at..at + value.len()].copy_from_slice(value);
}

/// A 16-byte, zero-padded Mach-O name.
fn name16(name: &str) -> [u8; 16] {
    let mut padded = [0u8; 16];
    padded[..name.len()].copy_from_slice(name.as_bytes());
    padded
}

/// A little-endian 64-bit Mach-O executable with one `__DATA` segment mapping the whole file,
/// holding one section `section` at offset 0x1000.
fn macho(section: &str, data: &[u8]) -> Vec<u8> {
    const VM_ADDRESS: u64 = 0x1_0000_0000;
    const DATA_OFFSET: usize = 0x1000;
    let mut file = vec![0u8; DATA_OFFSET];
    file.extend_from_slice(data);
    let length = file.len() as u64;

    put(&mut file, 0, &0xfeed_facf_u32.to_le_bytes()); // MH_MAGIC_64
    put(&mut file, 4, &0x0100_0007_u32.to_le_bytes()); // x86-64
    put(&mut file, 8, &3u32.to_le_bytes());
    put(&mut file, 12, &2u32.to_le_bytes()); // MH_EXECUTE
    put(&mut file, 16, &1u32.to_le_bytes()); // one load command
    put(&mut file, 20, &(72u32 + 80).to_le_bytes());

    let segment = 32;
    put(&mut file, segment, &0x19u32.to_le_bytes()); // LC_SEGMENT_64
    put(&mut file, segment + 4, &(72u32 + 80).to_le_bytes());
    put(&mut file, segment + 8, &name16("__DATA"));
    put(&mut file, segment + 24, &VM_ADDRESS.to_le_bytes());
    put(&mut file, segment + 32, &length.to_le_bytes());
    put(&mut file, segment + 48, &length.to_le_bytes());
    put(&mut file, segment + 56, &3u32.to_le_bytes());
    put(&mut file, segment + 60, &3u32.to_le_bytes());
    put(&mut file, segment + 64, &1u32.to_le_bytes()); // one section

    let header = segment + 72;
    put(&mut file, header, &name16(section));
    put(&mut file, header + 16, &name16("__DATA"));
    put(
        &mut file,
        header + 32,
        &(VM_ADDRESS + DATA_OFFSET as u64).to_le_bytes(),
    );
    put(&mut file, header + 40, &(data.len() as u64).to_le_bytes());
    put(&mut file, header + 48, &(DATA_OFFSET as u32).to_le_bytes());
    put(&mut file, header + 52, &4u32.to_le_bytes()); // 16-byte aligned
    file
}

/// A universal Mach-O file holding `images` in order, each 4 KiB aligned.
fn universal(images: &[&[u8]]) -> Vec<u8> {
    let mut file = Vec::new();
    file.extend_from_slice(&0xcafe_babe_u32.to_be_bytes());
    file.extend_from_slice(&(images.len() as u32).to_be_bytes());
    let mut offset = 0x1000usize;
    let mut placed = Vec::new();
    for (index, image) in images.iter().enumerate() {
        // x86-64 first, then arm64, as `lipo` writes them.
        let cpu: u32 = if index == 0 { 0x0100_0007 } else { 0x0100_000c };
        file.extend_from_slice(&cpu.to_be_bytes());
        file.extend_from_slice(&3u32.to_be_bytes());
        file.extend_from_slice(&(offset as u32).to_be_bytes());
        file.extend_from_slice(&(image.len() as u32).to_be_bytes());
        file.extend_from_slice(&12u32.to_be_bytes());
        placed.push(offset);
        offset = (offset + image.len()).next_multiple_of(0x1000);
    }
    for (image, at) in images.iter().zip(placed) {
        file.resize(at, 0);
        file.extend_from_slice(image);
    }
    file
}

/// A PE32+ (x86-64) executable whose one section, `.data`, holds `data` at file offset 0x200
/// and relative address 0x1000.
fn pe(data: &[u8]) -> Vec<u8> {
    const NT: usize = 0x40;
    const OPTIONAL: usize = NT + 4 + 20;
    const OPTIONAL_SIZE: usize = 240;
    const RAW: usize = 0x200;
    let raw_size = data.len().next_multiple_of(0x200);
    let mut file = vec![0u8; RAW];
    file.extend_from_slice(data);
    file.resize(RAW + raw_size, 0);

    put(&mut file, 0, b"MZ");
    put(&mut file, 0x3c, &(NT as u32).to_le_bytes());
    put(&mut file, NT, b"PE\0\0");
    put(&mut file, NT + 4, &0x8664u16.to_le_bytes());
    put(&mut file, NT + 6, &1u16.to_le_bytes()); // one section
    put(&mut file, NT + 20, &(OPTIONAL_SIZE as u16).to_le_bytes());
    put(&mut file, NT + 22, &0x22u16.to_le_bytes()); // executable, large address aware

    put(&mut file, OPTIONAL, &0x20bu16.to_le_bytes()); // PE32+
    put(&mut file, OPTIONAL + 24, &0x1_4000_0000_u64.to_le_bytes()); // image base
    put(&mut file, OPTIONAL + 32, &0x1000u32.to_le_bytes()); // section alignment
    put(&mut file, OPTIONAL + 36, &0x200u32.to_le_bytes()); // file alignment
    put(&mut file, OPTIONAL + 48, &6u16.to_le_bytes()); // subsystem version
    let image_size = 0x1000 + data.len().next_multiple_of(0x1000);
    put(&mut file, OPTIONAL + 56, &(image_size as u32).to_le_bytes());
    put(&mut file, OPTIONAL + 60, &(RAW as u32).to_le_bytes()); // size of headers
    put(&mut file, OPTIONAL + 68, &3u16.to_le_bytes()); // console subsystem
    put(&mut file, OPTIONAL + 108, &16u32.to_le_bytes()); // data directories

    let section = OPTIONAL + OPTIONAL_SIZE;
    put(&mut file, section, b".data\0\0\0");
    put(&mut file, section + 8, &(data.len() as u32).to_le_bytes());
    put(&mut file, section + 12, &0x1000u32.to_le_bytes());
    put(&mut file, section + 16, &(raw_size as u32).to_le_bytes());
    put(&mut file, section + 20, &(RAW as u32).to_le_bytes());
    put(&mut file, section + 36, &0xc000_0040_u32.to_le_bytes()); // data, read, write
    file
}

#[test]
fn mach_o_thin_and_universal_and_pe_give_the_packages_of_the_elf() {
    let blob = inline_blob("go1.22.0", &framed(MODULE_INFO));
    let thin = macho("__go_buildinfo", &blob);
    // The second architecture's build information differs; only the first is read.
    let other = macho("__go_buildinfo", &inline_blob("go1.21.0", b""));
    for (format, binary) in [
        ("ELF", elf(&[(".go.buildinfo", &blob)])),
        ("Mach-O", thin.clone()),
        ("universal Mach-O", universal(&[&thin, &other])),
        ("PE", pe(&blob)),
    ] {
        let findings = findings_of(&binary);
        assert_eq!(names(&findings), expected(), "{format}: {findings:?}");
    }

    // Go puts the blob at the start of a PE's `.data`, before other data.
    let mut data = blob.clone();
    data.resize(data.len().next_multiple_of(16), 0);
    data.extend_from_slice(&[0x5a; 4096]);
    assert_eq!(names(&findings_of(&pe(&data))), expected());
}

#[test]
fn mach_o_and_pe_lies_and_cuts_give_warnings_never_a_panic() {
    let blob = inline_blob("go1.22.0", &framed(MODULE_INFO));
    let thin = macho("__go_buildinfo", &blob);
    for (format, binary) in [
        ("Mach-O", thin.clone()),
        ("universal Mach-O", universal(&[&thin])),
        ("PE", pe(&blob)),
    ] {
        for length in 0..binary.len() {
            let findings = findings_of(&binary[..length]);
            assert!(packages(&findings).count() <= 4, "{format} cut at {length}");
        }
    }

    // A module-information length 300 bytes past the section, in each format.
    let module_info = framed(MODULE_INFO);
    let mut lying = blob.clone();
    let prefix_at = 32 + 1 + "go1.22.0".len();
    let honest = uvarint(module_info.len() as u64).len();
    lying.splice(
        prefix_at..prefix_at + honest,
        uvarint(module_info.len() as u64 + 300),
    );
    for (binary, section) in [
        (macho("__go_buildinfo", &lying), "section __go_buildinfo"),
        (pe(&lying), "section .data"),
    ] {
        let (level, message) = only_diagnostic(&findings_of(&binary));
        assert_eq!(level, DiagnosticLevel::Warning);
        assert!(message.contains("module information claims"), "{message}");
        assert!(message.ends_with(section), "{message}");
    }
}
