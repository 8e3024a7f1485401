package cdkaction

import (
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/ghactions"
)

// TestRegionNames checks aws-region against the region names of every
// partition, and rejects what is not a region name.
func TestRegionNames(t *testing.T) {
	tests := []struct {
		region string
		ok     bool
	}{
		{"us-east-1", true},
		{"eu-central-2", true},
		{"ap-southeast-7", true},
		{"il-central-1", true},
		{"mx-central-1", true},
		{"us-gov-west-1", true},
		{"us-gov-east-1", true},
		{"cn-north-1", true},
		{"cn-northwest-1", true},
		{"us-iso-east-1", true},
		{"us-isob-east-1", true},
		{"us-isof-south-1", true},
		{"eu-isoe-west-1", true},
		{"eusc-de-east-1", true},
		{"us east", false},
		{"us-east", false},
		{"US-EAST-1", false},
		{"useast1", false},
		{"us-east-1a", false},
		{"us--east-1", false},
		{"-us-east-1", false},
		{"us-east-1-", false},
		{"u-east-1", false},
		{"abcde-east-1", false},
		{"us-east-123", false},
		{"aws-global", false},
		{"us-east-1\nx", false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.region, func(t *testing.T) {
			env := map[string]string{"INPUT_ROLE-TO-ASSUME": ciRole, "INPUT_AWS-REGION": tc.region}
			_, err := LoadConfig(ghactions.New(func(k string) string { return env[k] }, nil))
			if tc.ok && err != nil {
				t.Errorf("rejected: %v", err)
			}
			if !tc.ok && err == nil {
				t.Errorf("accepted")
			}
			if !tc.ok && tc.region != "" && err != nil && !strings.Contains(err.Error(), "is not an AWS region name") {
				t.Errorf("error does not say what is wrong: %v", err)
			}
		})
	}
}
