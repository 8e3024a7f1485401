package codepipeline

import (
	"strconv"
	"strings"
)

// runtimeVersion maps a setup-* version to a CodeBuild runtime-versions value
// for the standard images; ok is false when it cannot be mapped, or when no
// standard image has that version (CodeBuild's "Runtime versions" table).
func runtimeVersion(name, v string) (string, bool) {
	v = strings.TrimSpace(strings.Trim(v, `"'`))
	v = strings.TrimPrefix(strings.TrimPrefix(v, "v"), "^")
	v = strings.TrimPrefix(v, "~")
	v = strings.TrimPrefix(v, ">=")
	if v == "" || v == "latest" || v == "lts/*" || v == "node" || v == "stable" || v == "x" {
		return "latest", true
	}
	if strings.Contains(v, "${{") || strings.ContainsAny(v, " \n") {
		return "", false
	}
	major, minor, _ := strings.Cut(v, ".")
	minor, _, _ = strings.Cut(minor, ".")
	atoi := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			return -1
		}
		return n
	}
	switch name {
	case "nodejs":
		// CodeBuild offers the long-term-support releases only.
		if m := atoi(major); m == 18 || m == 20 || m == 22 || m == 24 {
			return major, true
		}
		if strings.HasPrefix(v, "lts/") {
			return "latest", true
		}
	case "python":
		if major == "3" && atoi(minor) >= 9 && atoi(minor) <= 13 {
			return "3." + minor, true
		}
		if major == "3" && (minor == "x" || minor == "") {
			return "latest", true
		}
	case "java":
		if m := atoi(major); m == 8 || m == 11 || m == 17 || m == 21 || m == 25 {
			return "corretto" + major, true
		}
	case "golang":
		if major == "1" && atoi(minor) >= 20 && atoi(minor) <= 26 {
			return "1." + minor, true
		}
		if major == "1" && (minor == "x" || minor == "") {
			return "1.x", true
		}
		if strings.HasSuffix(v, ".mod") || strings.HasPrefix(v, "go.mod") {
			return "latest", true
		}
	case "dotnet":
		if m := atoi(major); m == 6 || m == 8 || m == 10 {
			return major + ".0", true
		}
	case "ruby":
		if major == "3" && atoi(minor) >= 1 && atoi(minor) <= 4 {
			return "3." + minor, true
		}
	case "php":
		if major == "8" && atoi(minor) >= 1 && atoi(minor) <= 3 {
			return "8." + minor, true
		}
	}
	return "", false
}
