package codepipeline

import (
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/translate"
)

// TestDeploying checks the table of deploying commands and actions, and
// when a deploying job is reported: not when it has credentials of its own
// or rights from .actionport.yml.
func TestDeploying(t *testing.T) {
	tests := []struct {
		name  string
		job   string // the job's mapping under jobs.j, indented by four spaces
		cfg   string
		uses  []string
		warn  bool
		roles int // roles assuming DeployRoleArn in the template
	}{
		{name: "cdk deploy", job: "steps:\n  - run: npx cdk deploy --all\n", uses: []string{"cdk deploy"}, warn: true, roles: 1},
		{name: "pnpm cdk destroy", job: "steps:\n  - run: pnpm cdk destroy -f\n", uses: []string{"cdk destroy"}, warn: true, roles: 1},
		{name: "cdk synth", job: "steps:\n  - run: npx cdk synth\n"},
		{name: "sam deploy and sync", job: "steps:\n  - run: |\n      sam build\n      sam deploy --no-confirm-changeset\n  - run: sam sync --watch\n", uses: []string{"sam deploy", "sam sync"}, warn: true, roles: 1},
		{name: "sam build", job: "steps:\n  - run: sam build --use-container\n"},
		{name: "serverless", job: "steps:\n  - run: npx serverless deploy --stage prod\n  - run: sls remove\n", uses: []string{"serverless deploy", "sls remove"}, warn: true, roles: 1},
		{name: "terraform", job: "steps:\n  - run: terraform -chdir=infra apply -auto-approve\n", uses: []string{"terraform apply"}, warn: true, roles: 1},
		{name: "terraform plan", job: "steps:\n  - run: terraform plan\n"},
		{name: "cloudformation", job: "steps:\n  - run: aws cloudformation deploy --template-file t.yaml --stack-name s\n", uses: []string{"aws cloudformation deploy"}, warn: true, roles: 1},
		{name: "cloudformation describe", job: "steps:\n  - run: aws cloudformation describe-stacks\n"},
		{name: "s3 sync", job: "steps:\n  - run: aws s3 sync dist/ s3://site --delete\n", uses: []string{"aws s3 sync"}, warn: true, roles: 1},
		{name: "s3 cp down", job: "steps:\n  - run: aws s3 cp s3://bucket/config.json .\n", uses: []string{"aws s3 cp"}, warn: true, roles: 1},
		{name: "s3 ls", job: "steps:\n  - run: aws s3 ls\n"},
		{name: "s3 cp local", job: "steps:\n  - run: aws s3 cp --help | head; cp a s3.txt\n"},
		{name: "ecs and lambda", job: "steps:\n  - run: |\n      aws ecs update-service --cluster c --service s --force-new-deployment\n      aws lambda update-function-code --function-name f --zip-file fileb://f.zip\n", uses: []string{"aws ecs update-service", "aws lambda update-function-code"}, warn: true, roles: 1},
		{name: "ecr login", job: "steps:\n  - run: aws ecr get-login-password | docker login --username AWS --password-stdin 1.dkr.ecr.us-east-1.amazonaws.com\n", uses: []string{"aws ecr get-login-password"}, warn: true, roles: 1},
		{name: "cloudfront", job: "steps:\n  - run: aws cloudfront create-invalidation --distribution-id X --paths '/*'\n", uses: []string{"aws cloudfront create-invalidation"}, warn: true, roles: 1},
		{name: "commented out", job: "steps:\n  - run: |\n      # npx cdk deploy\n      echo no\n"},
		{name: "ecs deploy action", job: "steps:\n  - uses: aws-actions/amazon-ecs-deploy-task-definition@v2\n    with: {task-definition: t.json, service: s, cluster: c}\n", uses: []string{"aws-actions/amazon-ecs-deploy-task-definition"}, warn: true, roles: 1},
		{name: "ecs render action", job: "steps:\n  - uses: aws-actions/amazon-ecs-render-task-definition@v1\n    with: {task-definition: t.json, container-name: c, image: i}\n"},
		{name: "cdk action deploy", job: "steps:\n  - uses: youyo/aws-cdk-github-actions@v2\n    with: {cdk_subcommand: deploy}\n", uses: []string{"youyo/aws-cdk-github-actions"}, warn: true, roles: 1},
		{name: "cdk action diff", job: "steps:\n  - uses: youyo/aws-cdk-github-actions@v2\n    with: {cdk_subcommand: diff}\n"},
		{name: "many", job: "steps:\n  - run: |\n      cdk deploy\n      sam deploy\n      sls deploy\n      terraform apply\n", uses: []string{"cdk deploy", "sam deploy", "sls deploy", "terraform apply"}, warn: true, roles: 1},

		// Credentials of the job's own: no warning.
		{name: "role in another account", job: "steps:\n  - uses: aws-actions/configure-aws-credentials@v4\n    with: {role-to-assume: \"arn:aws:iam::210987654321:role/deploy\", aws-region: eu-west-1}\n  - run: npx cdk deploy\n", uses: []string{"cdk deploy"}},
		{name: "keys in the job env", job: "env:\n  AWS_ACCESS_KEY_ID: ${{ secrets.KEY }}\n  AWS_SECRET_ACCESS_KEY: ${{ secrets.SECRET }}\nsteps:\n  - run: sam deploy\n", uses: []string{"sam deploy"}},
		{name: "keys in the step env", job: "steps:\n  - run: sls deploy\n    env: {AWS_ACCESS_KEY_ID: \"${{ secrets.KEY }}\", AWS_SECRET_ACCESS_KEY: \"${{ secrets.SECRET }}\"}\n", uses: []string{"sls deploy"}},
		{name: "keys set by a script", job: "steps:\n  - run: |\n      aws configure set aws_access_key_id \"$KEY\"\n      terraform apply\n", uses: []string{"terraform apply"}},
		{name: "keys as action inputs", job: "steps:\n  - uses: youyo/aws-cdk-github-actions@v2\n    with: {cdk_subcommand: deploy, aws_access_key_id: \"${{ secrets.KEY }}\"}\n", uses: []string{"youyo/aws-cdk-github-actions"}},
		{name: "keys as terraform variables", job: "steps:\n  - run: terraform apply -auto-approve\n    env: {TF_VAR_aws_access_key: \"${{ inputs.key }}\"}\n", uses: []string{"terraform apply"}},
		{name: "another credentials action", job: "steps:\n  - uses: grafana/shared-workflows/actions/aws-auth@v1\n    with: {aws-region: us-east-2, role-arn: \"arn:aws:iam::410348018613:role/release\"}\n  - run: aws s3 cp out.zip s3://bucket/\n", uses: []string{"aws s3 cp"}},
		{name: "local credentials action not inlined", job: "steps:\n  - uses: ./.github/actions/aws-login\n    with: {role: deploy}\n  - run: npx cdk deploy\n", uses: []string{"cdk deploy"}},

		// configure-aws-credentials that gives nothing on CodeBuild: warned.
		{name: "static keys", job: "steps:\n  - uses: aws-actions/configure-aws-credentials@v4\n    with: {aws-access-key-id: \"${{ secrets.KEY }}\", aws-secret-access-key: \"${{ secrets.SECRET }}\", aws-region: us-east-1}\n  - run: sam deploy\n", uses: []string{"sam deploy"}, warn: true, roles: 1},
		{name: "role in the pipeline's account", job: "steps:\n  - uses: aws-actions/configure-aws-credentials@v4\n    with: {role-to-assume: \"arn:aws:iam::123456789012:role/deploy\", aws-region: us-east-1}\n  - run: npx cdk deploy\n", uses: []string{"cdk deploy"}, warn: true, roles: 1},

		// Rights from .actionport.yml: no warning.
		{name: "rights for every job", job: "steps:\n  - run: npx cdk deploy\n", cfg: "permissions:\n  managed-policies: [arn:aws:iam::aws:policy/AdministratorAccess]\n", uses: []string{"cdk deploy"}},
		{name: "rights for the job", job: "steps:\n  - run: npx cdk deploy\n", cfg: "permissions:\n  jobs:\n    j: {statements: [{Effect: Allow, Action: \"sts:AssumeRole\", Resource: \"arn:aws:iam::*:role/cdk-*\"}]}\n", uses: []string{"cdk deploy"}},
		{name: "rights for another job", job: "steps:\n  - run: npx cdk deploy\n", cfg: "permissions:\n  jobs:\n    other: {managed-policies: [arn:aws:iam::aws:policy/AdministratorAccess]}\n", uses: []string{"cdk deploy"}, warn: true, roles: 1},
		{name: "rights for the environment", job: "environment: staging\nsteps:\n  - run: npx cdk deploy\n", cfg: "environments:\n  staging: {managed-policies: [arn:aws:iam::aws:policy/AdministratorAccess]}\n", uses: []string{"cdk deploy"}},
		{name: "deploy-role configured", job: "steps:\n  - run: make release\n", cfg: "permissions:\n  jobs:\n    j: {deploy-role: true}\n", roles: 1},
		{name: "deploy-role with an own role", job: "steps:\n  - uses: aws-actions/configure-aws-credentials@v4\n    with: {role-to-assume: \"arn:aws:iam::210987654321:role/deploy\", aws-region: eu-west-1}\n  - run: make release\n", cfg: "permissions:\n  jobs:\n    j: {deploy-role: true}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n" + indent(tt.job, "    ")
			cfg := config.Default()
			if tt.cfg != "" {
				var err error
				if cfg, err = config.Parse([]byte(tt.cfg)); err != nil {
					t.Fatal(err)
				}
			}
			w, fd := translate.Translate("w.yml", []byte(src), translate.Options{Config: cfg})
			if w == nil || len(w.Jobs) != 1 {
				t.Fatalf("translate: %v", fd)
			}
			var got []string
			e := newEmitter(w, Options{Config: cfg})
			defer e.release()
			for _, u := range e.deploying(w.Jobs[0]) {
				got = append(got, u.what)
			}
			if strings.Join(got, "|") != strings.Join(tt.uses, "|") {
				t.Errorf("deploying = %q, want %q", got, tt.uses)
			}
			opts := testOptions
			opts.Config = cfg
			files, d := Emit(w, opts)
			warned := false
			for _, x := range d {
				if x.Rule == RulePermissions && x.Severity == diag.Warning {
					warned = true
					if !strings.Contains(x.Message, "DeployRoleArn=") || !strings.Contains(x.Message, "permissions.jobs.j") {
						t.Errorf("message does not name the settings: %s", x.Message)
					}
				}
			}
			if warned != tt.warn {
				t.Errorf("warned = %v, want %v: %v", warned, tt.warn, d)
			}
			var tpl string
			for _, f := range files {
				if strings.HasSuffix(f.Path, "/template.yaml") {
					tpl = string(f.Data)
				}
			}
			want := 2 * tt.roles // a policy and a project per role, and the condition
			if tt.roles > 0 {
				want++
			}
			if n := strings.Count(tpl, "Ref: "+DeployRoleParameter+"\n"); n != want {
				t.Errorf("template refers to %s %d times, want %d", DeployRoleParameter, n, want)
			}
			if hasParam := strings.Contains(tpl, "\n  "+DeployRoleParameter+":\n"); hasParam != (tt.roles > 0) {
				t.Errorf("parameter %s in the template: %v", DeployRoleParameter, hasParam)
			}
		})
	}
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}
