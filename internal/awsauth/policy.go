package awsauth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"unicode/utf8"
)

// STS limits for session policies: the inline policy's plain text and the
// number of managed policy ARNs.
const (
	MaxSessionPolicyChars = 2048
	MaxSessionPolicyARNs  = 10
)

// policyARNRE accepts managed policy ARNs of every partition, AWS managed
// (arn:aws:iam::aws:policy/ReadOnlyAccess) or customer managed, with a path.
var policyARNRE = regexp.MustCompile(`^arn:aws[-a-z]*:iam::(aws|\d{12}):policy/[\w+=,.@/-]+$`)

// ParseSessionPolicy checks inline-session-policy: empty, or a JSON object,
// returned compacted (STS counts the whitespace against its 2,048-character
// limit; the policy means the same).
func ParseSessionPolicy(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &obj); err != nil {
		return "", fmt.Errorf("inline-session-policy is not a JSON object: %w", err)
	}
	if obj == nil { // the JSON null
		return "", fmt.Errorf("inline-session-policy is not a JSON object: null")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(v)); err != nil {
		return "", fmt.Errorf("inline-session-policy: %w", err)
	}
	if n := utf8.RuneCount(b.Bytes()); n > MaxSessionPolicyChars {
		return "", fmt.Errorf("inline-session-policy is %d characters without whitespace; STS accepts at most %d", n, MaxSessionPolicyChars)
	}
	return b.String(), nil
}

// ValidatePolicyARNs checks managed-session-policies: at most 10 IAM policy
// ARNs.
func ValidatePolicyARNs(arns []string) error {
	if len(arns) > MaxSessionPolicyARNs {
		return fmt.Errorf("managed-session-policies has %d ARNs; STS accepts at most %d", len(arns), MaxSessionPolicyARNs)
	}
	for i, a := range arns {
		if !policyARNRE.MatchString(a) {
			return fmt.Errorf("managed-session-policies line %d: %q is not an IAM policy ARN (arn:aws:iam::aws:policy/NAME or arn:aws:iam::123456789012:policy/NAME)", i+1, a)
		}
	}
	return nil
}
