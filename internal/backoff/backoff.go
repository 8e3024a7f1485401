// Package backoff is the one retry schedule the action uses for the GitHub
// OIDC token request and for every STS call: Attempts tries in all, waiting
// First before the second, doubling, each wait capped at Max.
package backoff

import (
	"context"
	"fmt"
	"time"
)

// Defaults of the action's retry policy. DefaultAttempts is
// configure-aws-credentials' default for retry-max-attempts.
const (
	DefaultAttempts = 12
	DefaultFirst    = time.Second
	DefaultMax      = 10 * time.Second
)

// Policy says how often and how patiently a failing call is tried again.
// Zero fields take the package defaults.
type Policy struct {
	Attempts int           // tries in all, at least 1
	First    time.Duration // wait before the second try; doubles after each try
	Max      time.Duration // longest single wait
}

// WithDefaults fills the zero fields of p.
func (p Policy) WithDefaults() Policy {
	if p.Attempts <= 0 {
		p.Attempts = DefaultAttempts
	}
	if p.First <= 0 {
		p.First = DefaultFirst
	}
	if p.Max <= 0 {
		p.Max = DefaultMax
	}
	if p.Max < p.First {
		p.Max = p.First
	}
	return p
}

// Delay is the wait before try number try (0-based; try 0 has none).
func (p Policy) Delay(try int) time.Duration {
	p = p.WithDefaults()
	if try <= 0 {
		return 0
	}
	d := p.First
	for i := 1; i < try && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// Wait sleeps before try number try, or returns ctx's error (with what
// and the last error) when ctx ends first.
func (p Policy) Wait(ctx context.Context, try int, what string, last error) error {
	d := p.Delay(try)
	if d == 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("%s: %w (last error: %w)", what, ctx.Err(), last)
	case <-t.C:
		return nil
	}
}
