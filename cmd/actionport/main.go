// Command actionport is the converter of cmd/convert under the name
// actionport: it translates GitHub Actions workflows into Amazon CodeCatalyst
// workflows and AWS CodePipeline V2 + CodeBuild definitions, and lints them.
// `go install github.com/actionport/actionport/cmd/actionport@VERSION`
// installs it as actionport, which does not clash with ImageMagick's convert;
// the release archives ship this binary.
package main

import (
	"os"

	"github.com/actionport/actionport/internal/cli"
)

func main() {
	os.Exit(cli.RunAs("actionport", os.Args[1:], os.Stdout, os.Stderr))
}
