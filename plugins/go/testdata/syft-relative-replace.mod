module github.com/aws/aws-sdk-go-v2/feature/ec2/imds

go 1.22

require github.com/aws/aws-sdk-go-v2 v1.36.3

replace github.com/aws/aws-sdk-go-v2 => ../../../
