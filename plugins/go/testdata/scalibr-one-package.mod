module my-library

require (
	github.com/BurntSushi/toml v1.0.0
)
