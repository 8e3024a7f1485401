package codepipeline

import "testing"

func TestRuntimeVersion(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"nodejs", "20", "20", true},
		{"nodejs", "22.x", "22", true},
		{"nodejs", "21", "", false}, // odd releases are not CodeBuild runtimes
		{"nodejs", "26", "", false},
		{"nodejs", "lts/*", "latest", true},
		{"python", "3.12", "3.12", true},
		{"python", "3.14", "", false},
		{"java", "17", "corretto17", true},
		{"java", "23", "", false},
		{"golang", "1.24", "1.24", true},
		{"golang", "1.19", "", false},
		{"dotnet", "8.0.x", "8.0", true},
		{"nodejs", "${{ matrix.node }}", "", false},
	}
	for _, tt := range tests {
		got, ok := runtimeVersion(tt.name, tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("runtimeVersion(%s, %q) = %q, %v; want %q, %v", tt.name, tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
