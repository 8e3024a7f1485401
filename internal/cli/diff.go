package cli

import "github.com/pmezard/go-difflib/difflib"

// unifiedDiff renders the change from the committed file to the regenerated one.
func unifiedDiff(path, got, want string) string {
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(got), B: difflib.SplitLines(want),
		FromFile: path + " (on disk)", ToFile: path + " (generated)", Context: 3,
	})
	if err != nil {
		return "--- " + path + ": " + err.Error() + "\n"
	}
	return d
}
