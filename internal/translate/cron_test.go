package translate

import "testing"

func TestToEventBridge(t *testing.T) {
	tests := []struct {
		cron, want string
		interval   int
	}{
		{"0 3 * * *", "0 3 * * ? *", 1440},
		{"*/15 * * * *", "0/15 * * * ? *", 15},
		{"30 2 * * 1-5", "30 2 ? * 2-6 *", 1440},
		{"0 0 * * 0", "0 0 ? * 1 *", 1440},
		{"0 0 * * 7", "0 0 ? * 1 *", 1440},
		{"0 12 1 * *", "0 12 1 * ? *", 1440},
		{"0 9 * * MON,FRI", "0 9 ? * MON,FRI *", 1440},
		{"0 */6 * JAN *", "0 0/6 * JAN ? *", 360},
		{"0 0 * * 1/2", "0 0 ? * 2/2 *", 1440},
	}
	for _, tt := range tests {
		got, probs, iv := ToEventBridge(tt.cron)
		if got != tt.want || len(probs) != 0 || iv != tt.interval {
			t.Errorf("ToEventBridge(%q) = %q, %v, %d; want %q, none, %d", tt.cron, got, probs, iv, tt.want, tt.interval)
		}
	}
}

func TestToEventBridgeErrors(t *testing.T) {
	for _, c := range []string{"0 0 1 * 1", "* * *", "60 * * * *", "0 0 * * FOO", "5-1 * * * *", "*/0 * * * *"} {
		got, probs, _ := ToEventBridge(c)
		if got != "" || len(probs) != 1 {
			t.Errorf("ToEventBridge(%q) = %q, %v; want one problem", c, got, probs)
		}
	}
}
