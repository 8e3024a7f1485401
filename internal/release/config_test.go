package release

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"

	"gopkg.in/yaml.v3"
)

// root is the repository root, from this package's directory.
const root = "../.."

// goreleaser is the part of .goreleaser.yaml the tests read.
type goreleaser struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		ID           string   `yaml:"id"`
		Main         string   `yaml:"main"`
		Binary       string   `yaml:"binary"`
		Env          []string `yaml:"env"`
		Goos         []string `yaml:"goos"`
		Goarch       []string `yaml:"goarch"`
		Flags        []string `yaml:"flags"`
		Ldflags      []string `yaml:"ldflags"`
		ModTimestamp string   `yaml:"mod_timestamp"`
	} `yaml:"builds"`
	Archives []struct {
		IDs             []string `yaml:"ids"`
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
		NameTemplate string   `yaml:"name_template"`
		BuildsInfo   fileInfo `yaml:"builds_info"`
		Files        []struct {
			Src  string   `yaml:"src"`
			Info fileInfo `yaml:"info"`
		} `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	SBOMs []struct {
		Artifacts string `yaml:"artifacts"`
		Cmd       string `yaml:"cmd"`
	} `yaml:"sboms"`
}

type fileInfo struct {
	Owner string    `yaml:"owner"`
	Group string    `yaml:"group"`
	Mode  yaml.Node `yaml:"mode"` // the literal, 0755: YAML 1.1 octal
	Mtime string    `yaml:"mtime"`
}

func readGoreleaser(t *testing.T) goreleaser {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var g goreleaser
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(false)
	if err := dec.Decode(&g); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if g.Version != 2 || len(g.Builds) != 1 || len(g.Archives) != 1 {
		t.Fatalf(".goreleaser.yaml: want version 2 with one build and one archive, got version %d, %d builds, %d archives", g.Version, len(g.Builds), len(g.Archives))
	}
	return g
}

// releaseVersion is the VERSION file's release tag.
func releaseVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// archiveName renders goreleaser's archive name_template (a Go template
// over the fields below) for a release version (with its v) and target,
// with the archive's extension.
func archiveName(t *testing.T, g goreleaser, version, goos, goarch string) string {
	t.Helper()
	tmpl, err := template.New("name").Option("missingkey=error").Parse(g.Archives[0].NameTemplate)
	if err != nil {
		t.Fatalf("name_template: %v", err)
	}
	var b strings.Builder
	data := map[string]string{"ProjectName": g.ProjectName, "Version": strings.TrimPrefix(version, "v"), "Os": goos, "Arch": goarch}
	if err := tmpl.Execute(&b, data); err != nil {
		t.Fatalf("name_template: %v", err)
	}
	format := g.Archives[0].Formats
	for _, o := range g.Archives[0].FormatOverrides {
		if o.Goos == goos {
			format = o.Formats
		}
	}
	if len(format) != 1 {
		t.Fatalf("%s: want one archive format, got %v", goos, format)
	}
	return b.String() + "." + format[0]
}

// script runs scripts/build-release.sh with args and returns its stdout.
func script(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("bash", append([]string{filepath.Join(root, "scripts", "build-release.sh")}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("build-release.sh %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// TestGoreleaserConfig checks .goreleaser.yaml's release shape and that
// scripts/build-release.sh builds with its flags, environment and targets.
func TestGoreleaserConfig(t *testing.T) {
	g := readGoreleaser(t)
	b, a := g.Builds[0], g.Archives[0]
	if g.ProjectName != "actionport" || b.Binary != "actionport" || b.Main != "./cmd/actionport" {
		t.Errorf("project %q builds %q from %q, want actionport from ./cmd/actionport", g.ProjectName, b.Binary, b.Main)
	}
	if _, err := os.Stat(filepath.Join(root, b.Main, "main.go")); err != nil {
		t.Errorf("main: %v", err)
	}
	if !slices.Equal(b.Flags, []string{"-trimpath"}) || !slices.Equal(b.Ldflags, []string{"-s -w -buildid="}) ||
		!slices.Equal(b.Env, []string{"CGO_ENABLED=0"}) || b.ModTimestamp != "{{ .CommitTimestamp }}" {
		t.Errorf("build flags %q, ldflags %q, env %q, mod_timestamp %q: want the reproducible set", b.Flags, b.Ldflags, b.Env, b.ModTimestamp)
	}
	if !slices.Equal(a.IDs, []string{b.ID}) || !slices.Equal(a.Formats, []string{"tar.gz"}) ||
		len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || !slices.Equal(a.FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf("archives: ids %v, formats %v, overrides %+v; want tar.gz of build %s, zip for windows", a.IDs, a.Formats, a.FormatOverrides, b.ID)
	}
	// Every timestamp and owner fixed: reproducible archives.
	infos := map[string]fileInfo{"builds_info": a.BuildsInfo}
	var files []string
	for _, f := range a.Files {
		infos[f.Src] = f.Info
		files = append(files, f.Src)
	}
	if !slices.Equal(files, []string{"README.md"}) {
		t.Errorf("archive files %v, want [README.md] (scripts/build-release.sh's extra_files)", files)
	}
	for name, info := range infos {
		wantMode := "0644"
		if name == "builds_info" {
			wantMode = "0755"
		}
		if info.Owner != "root" || info.Group != "root" || info.Mode.Value != wantMode || info.Mtime != "{{ .CommitDate }}" {
			t.Errorf("%s info %+v: want root:root, mode %s, mtime {{ .CommitDate }}", name, info, wantMode)
		}
	}
	if g.Checksum.NameTemplate != ChecksumsFile || g.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum %+v, want %s, sha256", g.Checksum, ChecksumsFile)
	}
	if len(g.SBOMs) != 1 || g.SBOMs[0].Artifacts != "archive" || g.SBOMs[0].Cmd != "syft" {
		t.Errorf("sboms %+v, want syft over the archives", g.SBOMs)
	}

	var wantTargets []string
	for _, goos := range b.Goos {
		for _, goarch := range b.Goarch {
			wantTargets = append(wantTargets, goos+"/"+goarch)
		}
	}
	slices.Sort(wantTargets)
	gotTargets := strings.Fields(script(t, nil, "--targets"))
	slices.Sort(gotTargets)
	if len(wantTargets) != 6 || !slices.Equal(gotTargets, wantTargets) {
		t.Errorf("build-release.sh targets %v, .goreleaser.yaml %v (want 6)", gotTargets, wantTargets)
	}
	for _, target := range wantTargets {
		goos, goarch, _ := strings.Cut(target, "/")
		envText, cmdText, ok := strings.Cut(script(t, nil, "--print-build", target), "--\n")
		if !ok {
			t.Fatalf("--print-build %s: no -- line", target)
		}
		// goreleaser's environment: env, GOOS, GOARCH, and the default
		// GOAMD64 or GOARM64 it sets.
		wantEnv := append(slices.Clone(b.Env), "GOOS="+goos, "GOARCH="+goarch, map[string]string{"amd64": "GOAMD64=v1", "arm64": "GOARM64=v8.0"}[goarch])
		if got := strings.Fields(envText); !slices.Equal(got, wantEnv) {
			t.Errorf("%s: build environment %q, want %q", target, got, wantEnv)
		}
		wantCmd := append(append([]string{"go", "build"}, b.Flags...), "-ldflags="+strings.Join(b.Ldflags, " "), "-o", "OUT", b.Main)
		if got := strings.Split(strings.TrimSuffix(cmdText, "\n"), "\n"); !slices.Equal(got, wantCmd) {
			t.Errorf("%s: build command %q, want %q", target, got, wantCmd)
		}
	}
	if name := archiveName(t, g, "v1.2.3", "windows", "arm64"); name != "actionport_1.2.3_windows_arm64.zip" {
		t.Errorf("archive name %s, want actionport_1.2.3_windows_arm64.zip", name)
	}
}
