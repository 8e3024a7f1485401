//go:build !unix

package fsutil

import (
	"io"
	"os"
)

func openFile(name string, flag int, perm uint32) (*os.File, error) {
	return os.OpenFile(name, flag, os.FileMode(perm))
}

// readRegular returns the first bytes of the regular file name, at most
// limit+1 of them, and the file's size; anything but a regular file is
// refused (notRegularError) before reading.
func readRegular(name string, limit int) ([]byte, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		return nil, 0, notRegularError{st.Mode()}
	}
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, 0, err
	}
	return b, st.Size(), nil
}

func renameFile(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
