package translate

import (
	"fmt"
	"os"
	"testing"
)

func TestDump(t *testing.T) {
	rule := os.Getenv("RULE")
	for _, f := range corpusFiles(t) {
		src, _ := os.ReadFile(f)
		_, ds := Translate(f, src, Options{})
		for _, d := range ds {
			if rule == "" || d.Rule == rule {
				fmt.Println(d.String())
			}
		}
	}
}
