package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"debug/buildinfo"
	"debug/elf"
	"debug/pe"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/actionport/actionport/internal/version"
)

// testTargets are the targets the build test builds (of the six): the one
// that runs here and a windows one (the zip path).
var testTargets = []string{"linux/amd64", "windows/amd64"}

// TestBuildReproducible runs scripts/build-release.sh twice, into two
// directories, and checks that the binaries, archives and SHA256SUMS are
// byte-identical, named as goreleaser names them, hold what .goreleaser.yaml
// says (mode, owner, the commit's time), were built with its flags (no cgo,
// -trimpath, stripped, no build ID, no absolute paths), and that the
// linux/amd64 binary prints its version. Then the companion actions' script
// installs that archive from a local release server.
func TestBuildReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds release binaries (-short)")
	}
	g := readGoreleaser(t)
	ver := releaseVersion(t)
	commitTime := gitCommitTime(t)
	var dirs [2]string
	for i := range dirs {
		dirs[i] = t.TempDir()
		start := time.Now()
		script(t, nil, append([]string{"-o", dirs[i]}, testTargets...)...)
		t.Logf("build-release.sh run %d (%s): %.1fs", i+1, strings.Join(testTargets, ", "), time.Since(start).Seconds())
	}

	// The same files in both, all byte-identical.
	var want []string
	for _, target := range testTargets {
		goos, goarch, _ := strings.Cut(target, "/")
		want = append(want, archiveName(t, g, ver, goos, goarch), binPath(g, goos, goarch))
	}
	want = append(want, ChecksumsFile)
	slices.Sort(want)
	for _, dir := range dirs {
		if got := listFiles(t, dir); !slices.Equal(got, want) {
			t.Fatalf("%s holds %v, want %v", dir, got, want)
		}
	}
	for _, name := range want {
		a, b := readFile(t, dirs[0], name), readFile(t, dirs[1], name)
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds (%d and %d bytes): not reproducible", name, len(a), len(b))
		} else {
			t.Logf("%s: identical in both builds (%d bytes)", name, len(a))
		}
	}

	dir := dirs[0]
	sums := string(readFile(t, dir, ChecksumsFile))
	var wantSums strings.Builder
	for _, target := range testTargets {
		goos, goarch, _ := strings.Cut(target, "/")
		name := archiveName(t, g, ver, goos, goarch)
		sum, err := SHA256File(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		wantSums.WriteString(sum + "  " + name + "\n")
		bin := readFile(t, dir, binPath(g, goos, goarch))
		checkArchive(t, filepath.Join(dir, name), g.Builds[0].Binary+exeSuffix(goos), bin, commitTime)
		checkBinary(t, filepath.Join(dir, binPath(g, goos, goarch)), goos, goarch, bin)
	}
	if sums != wantSums.String() {
		t.Errorf("%s:\n%s\nwant:\n%s", ChecksumsFile, sums, wantSums.String())
	}

	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("the linux/amd64 binary does not run on %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	binary := filepath.Join(dir, binPath(g, "linux", "amd64"))
	out, err := exec.Command(binary, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", binary, err)
	}
	info, err := buildinfo.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if want := "actionport " + version.Format(info) + "\n"; string(out) != want {
		t.Errorf("actionport version printed %q, want %q", out, want)
	}
	t.Logf("linux/amd64 binary: %q", out)

	// The companion actions download this very archive.
	srv := newReleaseServer(t, ver, dir)
	res := srv.install(t, "Linux", "X64", ver)
	if res.err != nil {
		t.Fatalf("build-convert.sh: %v\n%s", res.err, res.log)
	}
	if got := readFile(t, "", res.path); !bytes.Equal(got, readFile(t, dir, binPath(g, "linux", "amd64"))) {
		t.Errorf("installed %s is not the released binary", res.path)
	}
	if !strings.Contains(res.log, strings.TrimSuffix(string(out), "\n")) {
		t.Errorf("build-convert.sh did not run the installed binary's version:\n%s", res.log)
	}
}

func gitCommitTime(t *testing.T) time.Time {
	t.Helper()
	cmd := exec.Command("git", "log", "-1", "--format=%ct")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("no git history for the commit time: %v", err)
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatalf("git log: %v", err)
	}
	return time.Unix(sec, 0).UTC()
}

// binPath is where build-release.sh puts a target's binary.
func binPath(g goreleaser, goos, goarch string) string {
	return fmt.Sprintf("%s_%s_%s/%s%s", g.ProjectName, goos, goarch, g.Builds[0].Binary, exeSuffix(goos))
}

func exeSuffix(goos string) string {
	if goos == "windows" {
		return ".exe"
	}
	return ""
}

// listFiles lists the regular files under dir as slash paths.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type archived struct {
	name  string
	mode  os.FileMode
	mtime time.Time
	owner string
	data  []byte
}

// checkArchive checks that the archive holds exactly the binary (0755) and
// README.md (0644), owned by root, with the commit's time (mod_timestamp,
// builds_info and files info of .goreleaser.yaml).
func checkArchive(t *testing.T, path, binName string, bin []byte, commitTime time.Time) {
	t.Helper()
	entries := readArchive(t, path)
	readme := readFile(t, root, "README.md")
	want := []archived{
		{name: binName, mode: 0o755, mtime: commitTime, owner: "root", data: bin},
		{name: "README.md", mode: 0o644, mtime: commitTime, owner: "root", data: readme},
	}
	if len(entries) != len(want) {
		t.Fatalf("%s: %d entries, want %d", path, len(entries), len(want))
	}
	for i, w := range want {
		e := entries[i]
		if e.name != w.name || e.mode != w.mode || !e.mtime.Equal(w.mtime) || (e.owner != "" && e.owner != w.owner) || !bytes.Equal(e.data, w.data) {
			t.Errorf("%s entry %d: %s %v %s owner %q (%d bytes), want %s %v %s owner %s (%d bytes)",
				filepath.Base(path), i, e.name, e.mode, e.mtime, e.owner, len(e.data), w.name, w.mode, w.mtime, w.owner, len(w.data))
		}
	}
}

func readArchive(t *testing.T, path string) []archived {
	t.Helper()
	var out []archived
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, archived{name: f.Name, mode: f.Mode().Perm(), mtime: f.Modified, data: data})
		}
		return out
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if !gz.ModTime.IsZero() || gz.Name != "" {
		t.Errorf("%s: gzip header holds a time (%v) or name (%q)", path, gz.ModTime, gz.Name)
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		owner := hdr.Uname
		if hdr.Uid != 0 || hdr.Gid != 0 || hdr.Gname != "root" {
			owner = fmt.Sprintf("%s:%s (%d:%d)", hdr.Uname, hdr.Gname, hdr.Uid, hdr.Gid)
		}
		out = append(out, archived{name: hdr.Name, mode: os.FileMode(hdr.Mode).Perm(), mtime: hdr.ModTime, owner: owner, data: data})
	}
	return out
}

// checkBinary checks the effect of .goreleaser.yaml's flags on a binary: the
// build settings (-trimpath, CGO_ENABLED=0, the target; -ldflags is not
// recorded under -trimpath), -s -w (no symbol table, no DWARF), -buildid= (no
// Go build ID note), and no absolute path of this machine in it.
func checkBinary(t *testing.T, path, goos, goarch string, bin []byte) {
	t.Helper()
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if info.Path != "github.com/actionport/actionport/cmd/actionport" {
		t.Errorf("%s: main package %s", path, info.Path)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for k, v := range map[string]string{"-trimpath": "true", "CGO_ENABLED": "0", "GOOS": goos, "GOARCH": goarch, "-buildmode": "exe"} {
		if settings[k] != v {
			t.Errorf("%s: build setting %s=%q, want %q", path, k, settings[k], v)
		}
	}
	for _, k := range []string{"-tags", "-gcflags", "-asmflags", "-race", "-msan", "-asan", "-cover"} {
		if v, ok := settings[k]; ok {
			t.Errorf("%s: unexpected build setting %s=%s", path, k, v)
		}
	}
	switch goos {
	case "windows":
		f, err := pe.NewFile(bytes.NewReader(bin))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, s := range f.Sections {
			if strings.HasPrefix(s.Name, ".debug") || strings.HasPrefix(s.Name, ".zdebug") {
				t.Errorf("%s: DWARF section %s (want -w)", path, s.Name)
			}
		}
		if len(f.COFFSymbols) > 0 {
			t.Errorf("%s: %d COFF symbols (want -s)", path, len(f.COFFSymbols))
		}
	default:
		f, err := elf.NewFile(bytes.NewReader(bin))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, s := range f.Sections {
			switch {
			case s.Name == ".symtab":
				t.Errorf("%s: symbol table (want -s)", path)
			case strings.HasPrefix(s.Name, ".debug") || strings.HasPrefix(s.Name, ".zdebug"):
				t.Errorf("%s: DWARF section %s (want -w)", path, s.Name)
			case s.Name == ".note.go.buildid":
				t.Errorf("%s: Go build ID note (want -buildid=)", path)
			}
		}
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{abs}
	for _, v := range []string{"GOMODCACHE", "GOROOT", "GOPATH"} {
		if out, err := exec.Command("go", "env", v).Output(); err == nil && len(bytes.TrimSpace(out)) > 1 {
			paths = append(paths, string(bytes.TrimSpace(out)))
		}
	}
	for _, p := range paths {
		if bytes.Contains(bin, []byte(p)) {
			t.Errorf("%s contains the path %s (want -trimpath)", path, p)
		}
	}
}
