// Command convert translates GitHub Actions workflows into Amazon CodeCatalyst
// workflows and AWS CodePipeline V2 + CodeBuild definitions, and lints them.
package main

import (
	"os"

	"github.com/actionport/actionport/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
