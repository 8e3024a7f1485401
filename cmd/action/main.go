// Command action is the entrypoint of actionport's container GitHub Action:
// GitHub OIDC token → sts:AssumeRoleWithWebIdentity → optional role chain →
// AWS CDK CLI. All the work is in internal/cdkaction.
//
// Run as actionport-action-post (action.yml's runs.post-entrypoint, a link
// to the same binary) or with the argument post, it is the post step that
// clears the credentials the main step exported; it always exits 0.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/actionport/actionport/internal/cdkaction"
	"github.com/actionport/actionport/internal/ghactions"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r := ghactions.New(os.Getenv, os.Stdout)
	if cdkaction.IsPost(os.Args) {
		cdkaction.Post(r)
		return
	}
	if err := cdkaction.Run(ctx, r, cdkaction.Deps{}); err != nil {
		r.Errorf("%v", err)
		stop()
		os.Exit(1)
	}
}
