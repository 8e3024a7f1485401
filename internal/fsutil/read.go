package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
)

// ErrNotRegular is matched (errors.Is) by the error for a path that is not a
// regular file: a directory, a named pipe (FIFO), a device or a socket. Such
// a path is never read: opening a named pipe waits for a writer, reading a
// device such as /dev/zero or /dev/random never ends.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is matched (errors.Is) by ReadFile's error for a file larger
// than its limit.
var ErrTooLarge = errors.New("file is too large")

// notRegularError says what kind of file a path is instead of a regular one.
type notRegularError struct{ mode fs.FileMode }

func (e notRegularError) Error() string {
	return "not a regular file: " + fileKind(e.mode)
}

func (e notRegularError) Is(target error) bool { return target == ErrNotRegular }

// fileKind names the type of mode for an error message.
func fileKind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a device"
	case mode&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "type " + mode.Type().String()
}

// ReadLimited reads at most limit+1 bytes of path, so a caller can reject a
// huge file (len > limit) without loading all of it. Path must be a regular
// file (or a symbolic link to one): anything else is refused with an error
// matching ErrNotRegular, without blocking on a named pipe. Errors name the
// path.
func ReadLimited(path string, limit int) ([]byte, error) {
	b, _, err := readRegular(path, limit)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return b, nil
}

// ReadFile reads the regular file path, which must not be larger than limit
// bytes: a larger one gives an error matching ErrTooLarge (having read at
// most limit+1 bytes), anything but a regular file one matching
// ErrNotRegular. Errors name the path.
func ReadFile(path string, limit int) ([]byte, error) {
	b, size, err := readRegular(path, limit)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(b) > limit {
		return nil, fmt.Errorf("reading %s: %w: %d bytes or more, the limit is %d", path, ErrTooLarge, max(size, int64(len(b))), limit)
	}
	return b, nil
}

// ReadHead returns the first n bytes of the regular file path (all of it
// when it is shorter). Anything but a regular file is refused with an error
// matching ErrNotRegular, without blocking on a named pipe. Errors name the
// path.
func ReadHead(path string, n int) ([]byte, error) {
	b, _, err := readRegular(path, n)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return b[:min(len(b), n)], nil
}
