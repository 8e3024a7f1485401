package awsauth

import (
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// SanitizeSessionName makes s a valid STS role session name
// ([\w+=,.@-]{2,64}): other characters become '-', the result is cut to 64
// characters, and a result shorter than 2 becomes "actionport".
func SanitizeSessionName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isSessionNameRune(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	out := b.String()
	if len(out) > 64 {
		out = out[:64]
	}
	if len(out) < 2 {
		return "actionport"
	}
	return out
}

func isSessionNameRune(r rune) bool {
	return r < 128 && (r == '_' || r == '+' || r == '=' || r == ',' || r == '.' || r == '@' || r == '-' ||
		('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9'))
}

// DefaultSessionName derives a session name from GITHUB_REPOSITORY and
// GITHUB_RUN_ID ("gha-OWNER-REPO-RUNID", shortened from the repository side
// so that the run ID survives), then sanitizes it.
func DefaultSessionName(repository, runID, runAttempt string) string {
	suffix := ""
	if runID != "" {
		suffix = "-" + runID
		if runAttempt != "" && runAttempt != "1" {
			suffix += "-" + runAttempt
		}
	}
	prefix := "gha-" + strings.ReplaceAll(repository, "/", "-")
	if repository == "" {
		prefix = "gha-actionport"
	}
	if len(prefix)+len(suffix) > 64 && len(suffix) < 64 {
		prefix = prefix[:64-len(suffix)]
	}
	return SanitizeSessionName(prefix + suffix)
}

// SessionTags returns the tags put on chained sessions when session-tags is
// on, from the GitHub run's context (values sanitized to STS's tag rules).
func SessionTags(getenv func(string) string) []types.Tag {
	pairs := [][2]string{
		{"GitHub", "Actions"},
		{"Repository", getenv("GITHUB_REPOSITORY")},
		{"Workflow", getenv("GITHUB_WORKFLOW")},
		{"Action", getenv("GITHUB_ACTION")},
		{"Actor", getenv("GITHUB_ACTOR")},
		{"Commit", getenv("GITHUB_SHA")},
		{"Branch", getenv("GITHUB_REF")},
	}
	var tags []types.Tag
	for _, p := range pairs {
		v := SanitizeTagValue(p[1])
		if v == "" {
			continue
		}
		tags = append(tags, types.Tag{Key: aws.String(p[0]), Value: aws.String(v)})
	}
	return tags
}

// SanitizeTagValue keeps the characters STS allows in tag values
// ([\p{L}\p{Z}\p{N}_.:/=+\-@]), replaces the rest with '_', and cuts to 256.
func SanitizeTagValue(v string) string {
	var b strings.Builder
	n := 0
	for _, r := range v {
		if n == 256 {
			break
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Zs, r) || strings.ContainsRune("_.:/=+-@", r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		n++
	}
	return b.String()
}
