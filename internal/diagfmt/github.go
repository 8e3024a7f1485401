package diagfmt

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/actionport/actionport/internal/diag"
)

// writeGitHub writes one workflow command per diagnostic:
//
//	::error file=F,line=L,col=C,title=RULE::MESSAGE
//
// Errors become "error", warnings "warning" and infos "notice". Message data
// escapes %, CR and LF; property values also escape ":" and ",", as the
// GitHub Actions runner expects.
func writeGitHub(w io.Writer, l diag.List) error {
	bw := bufio.NewWriter(w)
	for _, d := range l {
		props := []string{"file=" + escapeProperty(d.Pos.File)}
		if d.Pos.Line > 0 {
			props = append(props, "line="+strconv.Itoa(d.Pos.Line))
			if d.Pos.Col > 0 {
				props = append(props, "col="+strconv.Itoa(d.Pos.Col))
			}
		}
		props = append(props, "title="+escapeProperty(d.Rule))
		fmt.Fprintf(bw, "::%s %s::%s\n", githubLevel(d.Severity), strings.Join(props, ","), escapeData(d.Message))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing GitHub annotations: %w", err)
	}
	return nil
}

func githubLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "notice"
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
