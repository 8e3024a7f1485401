package referee

import "syscall"

// motoSysProcAttr puts moto_server in its own process group (so that stop
// kills the pyenv shim and the python under it together) and has the kernel
// kill it if the test binary dies without running its cleanups.
func motoSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
