package cdk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuildArgs(t *testing.T) {
	tests := []struct {
		name    string
		o       Options
		want    string
		wantErr string
	}{
		{"deploy defaults", Options{}, "deploy --all --require-approval never", ""},
		{"deploy full", Options{Command: "deploy", Stacks: []string{"A", "B"}, Context: []string{"k=v w"}, Parameters: []string{"A:P=1"}, RequireApproval: "broadening", OutputsFile: "/o.json", ExtraArgs: `--tags "team=a b" --method=direct`},
			"deploy A B --context k=v w --parameters A:P=1 --require-approval broadening --outputs-file /o.json --tags team=a b --method=direct", ""},
		{"diff", Options{Command: "diff", OutputsFile: "/o.json"}, "diff", ""},
		{"synth", Options{Command: "synth", Stacks: []string{"A"}}, "synth A", ""},
		{"synth all", Options{Command: "synth"}, "synth", ""},
		{"destroy", Options{Command: "destroy"}, "destroy --all --force", ""},
		{"bootstrap", Options{Command: "bootstrap", Stacks: []string{"aws://222222222222/us-east-1"}, ExtraArgs: "--trust 111111111111"}, "bootstrap aws://222222222222/us-east-1 --trust 111111111111", ""},
		{"bootstrap from app", Options{Command: "bootstrap"}, "bootstrap", ""},
		{"unknown command", Options{Command: "deploy; rm -rf /"}, "", "command must be one of"},
		{"stack as option", Options{Stacks: []string{"--app=evil"}}, "", "looks like an option"},
		{"bad context", Options{Context: []string{"novalue"}}, "", "not key=value"},
		{"parameters on diff", Options{Command: "diff", Parameters: []string{"P=1"}}, "", "only apply to deploy"},
		{"bad approval", Options{RequireApproval: "sometimes"}, "", "require-approval"},
	}
	for _, tc := range tests {
		got, err := BuildArgs(tc.o)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v", tc.name, err)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("%s: got %q, %v\nwant %q", tc.name, strings.Join(got, " "), err, tc.want)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"  -v   --debug ", []string{"-v", "--debug"}, false},
		{`--tags "a=b c"`, []string{"--tags", "a=b c"}, false},
		{`--x 'single $HOME' "dq \"esc\""`, []string{"--x", "single $HOME", `dq "esc"`}, false},
		{`$(touch /tmp/pwn) ; rm -rf / && echo ${GITHUB_TOKEN} | cat` + " `id`", []string{"$(touch", "/tmp/pwn)", ";", "rm", "-rf", "/", "&&", "echo", "${GITHUB_TOKEN}", "|", "cat", "`id`"}, false},
		{`a\ b ""`, []string{"a b", ""}, false},
		{"multi\nline", []string{"multi", "line"}, false},
		{`"open`, nil, true},
		{`'open`, nil, true},
		{`trailing\`, nil, true},
	}
	for _, tc := range tests {
		got, err := SplitArgs(tc.in)
		if (err != nil) != tc.wantErr || strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") || len(got) != len(tc.want) {
			t.Errorf("SplitArgs(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestResolveBinary(t *testing.T) {
	dir := t.TempDir()
	if got := ResolveBinary(dir, "cdk"); got != "cdk" {
		t.Errorf("without node_modules: %q", got)
	}
	bin := filepath.Join(dir, "node_modules", ".bin")
	_ = os.MkdirAll(bin, 0o755)
	_ = os.WriteFile(filepath.Join(bin, "cdk"), []byte("#!/bin/sh\n"), 0o755)
	if got := ResolveBinary(dir, "cdk"); got != filepath.Join(bin, "cdk") {
		t.Errorf("with node_modules: %q", got)
	}
}

func TestChildEnv(t *testing.T) {
	base := []string{"PATH=/bin", "AWS_ACCESS_KEY_ID=ambient", "AWS_PROFILE=p", "AWS_REGION=eu-west-1", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=t",
		"AWS_ENDPOINT_URL=http://127.0.0.1:1", "AWS_ENDPOINT_URL_STS=http://127.0.0.1:2", "INPUT_GITHUB-TOKEN=g"}
	got := strings.Join(ChildEnv(base, Credentials{"AK", "SK", "ST"}, "us-east-1"), "\n")
	want := "PATH=/bin\nAWS_ENDPOINT_URL=http://127.0.0.1:1\nAWS_ENDPOINT_URL_STS=http://127.0.0.1:2\nAWS_ACCESS_KEY_ID=AK\nAWS_SECRET_ACCESS_KEY=SK\nAWS_SESSION_TOKEN=ST\nAWS_REGION=us-east-1\nAWS_DEFAULT_REGION=us-east-1\nCDK_DEFAULT_REGION=us-east-1"
	if got != want {
		t.Errorf("ChildEnv:\n%s\nwant\n%s", got, want)
	}
}

func TestParseDiff(t *testing.T) {
	tests := []struct {
		name        string
		out         string
		stacks      int
		changes     bool
		destructive []string
	}{
		{"no differences", "Stack A\nThere were no differences\n\n✨  Number of stacks with differences: 0\n", 1, false, nil},
		{"additions only", "\x1b[1mStack A\x1b[22m\nResources\n\x1b[32m[+]\x1b[39m AWS::SNS::Topic T T123 \n\n✨  Number of stacks with differences: 1\n", 1, true, nil},
		{"deletion", "Stack A\nResources\n[-] AWS::S3::Bucket B B123 destroy\n", 1, true, []string{"A: delete: [-] AWS::S3::Bucket B B123 destroy"}},
		{"orphan deletion", "Stack A\nResources\n[-] AWS::S3::Bucket B B123 orphan\n", 1, true, []string{"A: delete: [-] AWS::S3::Bucket B B123 orphan"}},
		{"replace marker", "Stack A\nResources\n[~] AWS::S3::Bucket B B123 replace\n └─ [~] BucketName (requires replacement)\n", 1, true, []string{"A: replace: [~] AWS::S3::Bucket B B123 replace"}},
		{"requires replacement only", "Stack A\nResources\n[~] AWS::RDS::DBInstance D D1 \n └─ [~] Engine (requires replacement)\n     ├─ [-] mysql\n     └─ [+] postgres\n", 1, true, []string{"A: replace: [~] AWS::RDS::DBInstance D D1"}},
		{"may be replaced", "Stack A\nResources\n[~] AWS::Lambda::Function F F1 \n └─ [~] FunctionName (may cause replacement)\n", 1, true, []string{"A: replace: [~] AWS::Lambda::Function F F1"}},
		{"property removal is not destructive", "Stack A\nResources\n[~] AWS::S3::Bucket B B1 \n └─ [-] Tags\n     └─ [{\"Key\":\"a\"}]\n", 1, true, nil},
		{"two stacks", "start: Building A\nStack A\nResources\n[+] AWS::SNS::Topic T T1 \nStack B\nThere were no differences\n", 2, true, nil},
	}
	for _, tc := range tests {
		d := ParseDiff(tc.out)
		if len(d.Stacks) != tc.stacks || d.HasChanges() != tc.changes || strings.Join(d.Destructive(), "|") != strings.Join(tc.destructive, "|") {
			t.Errorf("%s: stacks=%d changes=%v destructive=%q", tc.name, len(d.Stacks), d.HasChanges(), d.Destructive())
		}
	}
}

func TestRenderCommentsSplit(t *testing.T) {
	small := RenderComments(StackDiff{Stack: "A", Text: "Stack A\n[+] AWS::SNS::Topic T T1", HasChanges: true}, "")
	if len(small) != 1 || !strings.HasPrefix(small[0], Marker("A", 1)+"\n") {
		t.Fatalf("small = %q", small)
	}
	line := strings.Repeat("x", 99) + "\n"
	big := StackDiff{Stack: "Big", Text: strings.Repeat(line, 1500), HasChanges: true} // 150,000 chars
	parts := RenderComments(big, "https://run")
	if len(parts) != 3 {
		t.Fatalf("got %d parts", len(parts))
	}
	total := 0
	for i, p := range parts {
		if len(p) >= MaxCommentChars {
			t.Errorf("part %d has %d chars", i+1, len(p))
		}
		if !strings.HasPrefix(p, Marker("Big", i+1)+"\n") || strings.Count(p, "```") != 2 {
			t.Errorf("part %d malformed: %.120q", i+1, p)
		}
		total += strings.Count(p, "xxxxxxxxxx\n")
	}
	if total != 1500 {
		t.Errorf("lines kept = %d, want 1500", total)
	}
	huge := RenderComments(StackDiff{Stack: "H", Text: strings.Repeat(line, 5000), HasChanges: true}, "")
	if len(huge) != maxParts || !strings.Contains(huge[maxParts-1], "the rest is in the job summary") {
		t.Errorf("huge: %d parts", len(huge))
	}
	// a single line longer than a comment is cut hard
	long := RenderComments(StackDiff{Stack: "L", Text: strings.Repeat("y", 70000)}, "")
	if len(long) != 2 || len(long[0]) >= MaxCommentChars {
		t.Errorf("long line: %d parts", len(long))
	}
	// code fences in the diff cannot break out of the block
	if p := RenderComments(StackDiff{Stack: "F", Text: "```\n<script>"}, ""); strings.Count(p[0], "```") != 2 {
		t.Errorf("fence escaped: %q", p[0])
	}
}

func TestPullRequestNumber(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "event.json")
	_ = os.WriteFile(ev, []byte(`{"action":"synchronize","number":12,"pull_request":{"number":12}}`), 0o644)
	push := filepath.Join(dir, "push.json")
	_ = os.WriteFile(push, []byte(`{"ref":"refs/heads/main"}`), 0o644)
	tests := []struct {
		path, ref string
		want      int
	}{
		{ev, "", 12},
		{push, "refs/heads/main", 0},
		{"", "refs/pull/34/merge", 34},
		{filepath.Join(dir, "missing"), "", 0},
	}
	for _, tc := range tests {
		if got := PullRequestNumber(tc.path, tc.ref); got != tc.want {
			t.Errorf("PullRequestNumber(%q, %q) = %d", tc.path, tc.ref, got)
		}
	}
}

func TestOutputs(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "o.json")
	_ = os.WriteFile(p, []byte(`{"S":{"B":"x|y","N":3}}`), 0o644)
	o, err := ReadOutputs(p)
	if err != nil || o.JSON() != `{"S":{"B":"x|y","N":"3"}}` {
		t.Fatalf("ReadOutputs = %v, %v", o.JSON(), err)
	}
	if md := o.Markdown(); !strings.Contains(md, "| `S` | `B` | `x\\|y` |") {
		t.Errorf("markdown:\n%s", md)
	}
	if o, err := ReadOutputs(filepath.Join(dir, "none.json")); err != nil || o.JSON() != "{}" {
		t.Errorf("missing file: %v %v", o, err)
	}
}
