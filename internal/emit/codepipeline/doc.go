// Package codepipeline is actionport's AWS CodePipeline (V2) + CodeBuild
// emitter: it turns one translated workflow (package ir) into
//
//   - template.yaml: a CloudFormation template (artifact bucket, least-privilege
//     roles, one CodeBuild project per job, the V2 pipeline, schedules),
//     deployable as is with `aws cloudformation deploy` or Deploy;
//   - pipeline.json: the same pipeline for
//     `aws codepipeline create-pipeline --cli-input-json file://pipeline.json`;
//   - buildspec-<job>.yml: one buildspec per CodeBuild project.
//
// Naming conventions (documented for users, stable across versions):
//
//   - A GitHub secret NAME is read from the Secrets Manager secret named by the
//     config's secrets map, or "actionport/NAME" by default; the build sees it
//     as AP_SECRET_NAME (env.secrets-manager).
//   - A configuration variable vars.NAME is read from the SSM parameter
//     "/actionport/vars/NAME"; the build sees it as AP_VAR_NAME.
//   - workflow_dispatch inputs become pipeline variables of the same name, and
//     AP_INPUTS_NAME in the build (not AP_INPUT_: GitHub runners give an
//     action its inputs as INPUT_* variables, and nektos/act reads any
//     variable holding INPUT_ as one).
//   - A job output NAME is exported (env.exported-variables) under its own
//     name in the namespace of the job's action; a consumer sees it as
//     AP_NEEDS_<JOB>_<NAME>.
//   - Projects share the service role CodeBuildRole, except those whose jobs
//     get rights of their own from .actionport.yml (permissions.jobs,
//     environments) or assume the template's DeployRoleArn parameter (see
//     deploy.go): each has its own CodeBuildRole<Project>, and reads the
//     parameter as AP_DEPLOY_ROLE_ARN.
//   - Projects are named "<stack or pipeline name>-<job>"; deploy the template
//     with the stack name equal to the workflow's base name so that
//     pipeline.json points at the template's projects.
//
// pipeline.json carries no "_generated" marker: create-pipeline rejects
// unknown keys. The header of template.yaml and of every buildspec in the
// same directory says which workflow the directory was generated from.
package codepipeline
