//go:build unix

package fsutil

import (
	"io/fs"
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

// readRegular returns the first bytes of the regular file name, at most
// limit+1 of them (so that the caller can tell a file over the limit), and
// the file's size. It opens the file non-blocking, so that a named pipe
// without a writer does not block, and refuses anything but a regular file
// (notRegularError) before reading. Plain system calls on the descriptor:
// open, fstat, read until EOF or limit+1 bytes, close.
func readRegular(name string, limit int) ([]byte, int64, error) {
	var fd int
	for {
		var err error
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, 0, &os.PathError{Op: "open", Path: name, Err: err}
		}
		break
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := fstat(fd, &st); err != nil {
		return nil, 0, &os.PathError{Op: "stat", Path: name, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, 0, notRegularError{unixFileMode(uint32(st.Mode))} // uint16 on darwin
	}
	size := st.Size
	want := int64(limit) + 1
	// Size the buffer from the file's size (one allocation); the limit
	// still bounds what is read, should the file grow meanwhile.
	b := make([]byte, 0, max(min(size+1, want), 1))
	for int64(len(b)) < want {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		end := min(int64(cap(b)), want)
		n, err := syscall.Read(fd, b[len(b):end])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, 0, &os.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			break
		}
		b = b[:len(b)+n]
	}
	return b, size, nil
}

func fstat(fd int, st *syscall.Stat_t) error {
	for {
		err := syscall.Fstat(fd, st)
		if err != syscall.EINTR {
			return err
		}
	}
}

// unixFileMode converts the type bits of a stat mode to an fs.FileMode.
func unixFileMode(m uint32) fs.FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		return fs.ModeDevice
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	}
	return fs.ModeIrregular
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
