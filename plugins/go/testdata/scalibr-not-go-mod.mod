this is not a go.mod file!
