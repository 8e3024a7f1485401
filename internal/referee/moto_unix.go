//go:build unix && !linux

package referee

import "syscall"

// motoSysProcAttr puts moto_server in its own process group so that stop
// kills it together with any wrapper (pyenv shim) it runs under.
func motoSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
