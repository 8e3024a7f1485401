//go:build !unix

package e2etest

import "errors"

func mkfifo(string) error { return errors.New("no named pipes on this system") }
