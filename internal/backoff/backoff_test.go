package backoff

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDelay(t *testing.T) {
	tests := []struct {
		name string
		p    Policy
		want []time.Duration // delays before tries 0..n
	}{
		{"defaults", Policy{}, []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}},
		{"small first", Policy{First: 10 * time.Millisecond, Max: 50 * time.Millisecond}, []time.Duration{0, 10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond, 50 * time.Millisecond}},
		{"max below first", Policy{First: time.Second, Max: time.Millisecond}, []time.Duration{0, time.Second, time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i, want := range tc.want {
				if got := tc.p.Delay(i); got != want {
					t.Errorf("Delay(%d) = %s, want %s", i, got, want)
				}
			}
		})
	}
	if got := (Policy{}).WithDefaults().Attempts; got != 12 {
		t.Errorf("default attempts = %d, want 12 (configure-aws-credentials' retry-max-attempts)", got)
	}
	// 12 tries with the defaults wait 85 s at most in all
	var total time.Duration
	for i := range 12 {
		total += Policy{}.Delay(i)
	}
	if total != 85*time.Second {
		t.Errorf("total wait of 12 tries = %s, want 85s", total)
	}
}

func TestWaitCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Policy{First: time.Hour}.Wait(ctx, 1, "sts:AssumeRole", errors.New("boom"))
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "sts:AssumeRole") || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v", err)
	}
	if err := (Policy{}).Wait(ctx, 0, "x", nil); err != nil {
		t.Errorf("try 0 waits: %v", err)
	}
}
