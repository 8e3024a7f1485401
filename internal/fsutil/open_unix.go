//go:build unix

package fsutil

import (
	"os"
	"syscall"
)

// openFile is os.OpenFile for a regular file, minus what os.OpenFile does for
// files that can be polled (pipes, terminals): it tries to register every
// file with the network poller and switches it to non-blocking mode and back,
// five system calls that a regular file does not need. os.NewFile costs one.
func openFile(name string, flag int, perm uint32) (*os.File, error) {
	for {
		fd, err := syscall.Open(name, flag|syscall.O_CLOEXEC, perm)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: name, Err: err}
		}
		return os.NewFile(uintptr(fd), name), nil
	}
}

// renameFile is os.Rename without the Lstat of newpath with which os.Rename
// refuses to replace a directory: rename(2) of a regular file over a directory
// fails anyway (EISDIR).
func renameFile(oldpath, newpath string) error {
	for {
		err := syscall.Rename(oldpath, newpath)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
		}
		return nil
	}
}
