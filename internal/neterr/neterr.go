// Package neterr names transport failures for logs and error messages
// without the request URL, which may carry a token in its query string.
package neterr

import (
	"errors"
	"net"
	"net/url"
)

// Describe returns "timeout: MSG" or "network error: MSG" (or "invalid URL:
// MSG" for a URL that does not parse) when err wraps a
// *url.Error or a net.Error (context.DeadlineExceeded is one), MSG being the underlying cause without the
// request's method and URL; ok is false for any other error.
func Describe(err error) (desc string, ok bool) {
	if err == nil {
		return "", false
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Op == "parse" {
			return "invalid URL: " + ue.Err.Error(), true
		}
		return kind(ue.Timeout()) + ": " + ue.Err.Error(), true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return kind(ne.Timeout()) + ": " + ne.Error(), true
	}
	return "", false
}

func kind(timeout bool) string {
	if timeout {
		return "timeout"
	}
	return "network error"
}

// Redacted is an error whose message is Msg while errors.Is and errors.As
// still see Err: for wrapping a transport error whose own message would
// repeat the request URL.
type Redacted struct {
	Msg string
	Err error
}

func (e *Redacted) Error() string { return e.Msg }

func (e *Redacted) Unwrap() error { return e.Err }
