package diagfmt

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/diag"
)

func sample() diag.List {
	return diag.List{
		{Rule: "cc-name", Severity: diag.Error, Pos: diag.Pos{File: ".codecatalyst/workflows/a b.yaml", Line: 3, Col: 7}, Message: "bad name: 50%\nsecond line"},
		{Rule: "bs-version", Severity: diag.Warning, Pos: diag.Pos{File: "buildspec.yml", Line: 1, Col: 1}, Message: "version 0.1"},
		{Rule: "lint-unrecognized", Severity: diag.Info, Pos: diag.Pos{File: "x,y:z.txt"}, Message: "not linted"},
	}
}

func TestWrite(t *testing.T) {
	tests := []struct {
		format string
		want   []string
	}{
		{Text, []string{
			".codecatalyst/workflows/a b.yaml:3:7: error: bad name: 50%\nsecond line [cc-name]",
			"buildspec.yml:1:1: warning: version 0.1 [bs-version]",
			"x,y:z.txt: info: not linted [lint-unrecognized]",
		}},
		{GitHub, []string{
			"::error file=.codecatalyst/workflows/a b.yaml,line=3,col=7,title=cc-name::bad name: 50%25%0Asecond line",
			"::warning file=buildspec.yml,line=1,col=1,title=bs-version::version 0.1",
			"::notice file=x%2Cy%3Az.txt,title=lint-unrecognized::not linted",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tt.format, sample()); err != nil {
				t.Fatal(err)
			}
			want := strings.Join(tt.want, "\n") + "\n"
			if b.String() != want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), want)
			}
		})
	}
}

func TestWriteJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, JSON, sample()); err != nil {
		t.Fatal(err)
	}
	var got diag.List
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("unmarshal: %v\n%s", err, b.String())
	}
	if len(got) != 3 || got[0].Rule != "cc-name" || got[2].Severity != diag.Info {
		t.Errorf("round trip lost data: %+v", got)
	}
}

func TestWriteSARIFShape(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, SARIF, sample()); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "actionport" || len(run.Tool.Driver.Rules) != 3 {
		t.Fatalf("driver = %+v", run.Tool.Driver)
	}
	tests := []struct {
		i             int
		rule, level   string
		uri           string
		line, col     int
		rulesIndexCmp string
	}{
		{0, "cc-name", "error", ".codecatalyst/workflows/a%20b.yaml", 3, 7, "cc-name"},
		{1, "bs-version", "warning", "buildspec.yml", 1, 1, "bs-version"},
		{2, "lint-unrecognized", "note", "./x,y:z.txt", 0, 0, "lint-unrecognized"},
	}
	for _, tt := range tests {
		r := run.Results[tt.i]
		loc := r.Locations[0].PhysicalLocation
		if r.RuleID != tt.rule || r.Level != tt.level || loc.ArtifactLocation.URI != tt.uri {
			t.Errorf("result %d = %+v, uri %q", tt.i, r, loc.ArtifactLocation.URI)
		}
		if run.Tool.Driver.Rules[r.RuleIndex].ID != tt.rulesIndexCmp {
			t.Errorf("result %d: ruleIndex %d names %q", tt.i, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		if tt.line == 0 {
			if loc.Region != nil {
				t.Errorf("result %d: region %+v for a whole-file finding", tt.i, loc.Region)
			}
		} else if loc.Region == nil || loc.Region.StartLine != tt.line || loc.Region.StartColumn != tt.col {
			t.Errorf("result %d: region %+v, want %d:%d", tt.i, loc.Region, tt.line, tt.col)
		}
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "xml", nil); err == nil {
		t.Error("want an error for format xml")
	}
}

func TestAuto(t *testing.T) {
	tests := []struct {
		format, env, want string
	}{
		{"", "", Text},
		{"", "true", GitHub},
		{"", "false", Text},
		{Text, "true", Text},
		{SARIF, "true", SARIF},
		{JSON, "", JSON},
	}
	for _, tt := range tests {
		got := auto(tt.format, func(string) string { return tt.env })
		if got != tt.want {
			t.Errorf("auto(%q) with GITHUB_ACTIONS=%q = %q, want %q", tt.format, tt.env, got, tt.want)
		}
	}
}
