require (
    golang.org/x/net v0.5.6
    github.com/BurntSushi/toml v1.0.0
)

replace (
    golang.org/x/net v1.2.3 => example.com/fork/net v1.4.5
)
