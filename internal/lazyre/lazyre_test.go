package lazyre

import "testing"

func TestRegexp(t *testing.T) {
	re := New(`^[a-z]{1,3}(\d+)$`)
	tests := []struct {
		in    string
		match bool
		group string
	}{
		{"ab12", true, "12"},
		{"abcd1", false, ""},
		{"", false, ""},
	}
	for _, tt := range tests {
		if got := re.MatchString(tt.in); got != tt.match {
			t.Errorf("MatchString(%q) = %v, want %v", tt.in, got, tt.match)
		}
		m := re.FindStringSubmatch(tt.in)
		if got := ""; len(m) > 1 {
			got = m[1]
			if got != tt.group {
				t.Errorf("FindStringSubmatch(%q)[1] = %q, want %q", tt.in, got, tt.group)
			}
		} else if tt.group != "" {
			t.Errorf("FindStringSubmatch(%q) = %v, want group %q", tt.in, m, tt.group)
		}
	}
}

func TestBadExpressionPanicsOnUse(t *testing.T) {
	re := New(`(`)
	defer func() {
		if recover() == nil {
			t.Error("a bad expression did not panic on first use")
		}
	}()
	re.MatchString("x")
}
