require (
  golang.org/x/net v1.2.3
)

replace golang.org/x/net v1.2.3 => example.com/fork/net v1.4.5
