package codepipeline

import "github.com/actionport/actionport/internal/yamlnode"

// Subtrees that are the same in every document are built once (by sh, at
// package initialization) and shared by all documents and conversions,
// also those running at the same time: the writer only reads nodes. Never
// modify a shared node: no set, no comment.
var sh nodes

var (
	// template.yaml
	artifactBucketResource = sh.mapping("Type", "AWS::S3::Bucket", "DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain",
		"Properties", sh.mapping(
			"BucketEncryption", sh.mapping("ServerSideEncryptionConfiguration", sh.seq(sh.mapping("ServerSideEncryptionByDefault", sh.mapping("SSEAlgorithm", "AES256")))),
			"VersioningConfiguration", sh.mapping("Status", "Enabled"),
			"PublicAccessBlockConfiguration", sh.mapping("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
		))
	templateOutputs = sh.mapping(
		"PipelineName", sh.mapping("Value", sh.ref("Pipeline")),
		"ArtifactBucketName", sh.mapping("Value", sh.ref("ArtifactBucket")),
	)
	codeBuildRoleArn     = sh.getAtt("CodeBuildRole", "Arn")
	pipelineArtifacts    = sh.mapping("Type", "CODEPIPELINE")
	batchConfig          = sh.mapping("ServiceRole", codeBuildRoleArn, "CombineArtifacts", false, "TimeoutInMins", 480)
	localCache           = sh.mapping("Type", "LOCAL", "Modes", sh.strs([]string{"LOCAL_CUSTOM_CACHE", "LOCAL_SOURCE_CACHE"}))
	localCachePrivileged = sh.mapping("Type", "LOCAL", "Modes", sh.strs([]string{"LOCAL_CUSTOM_CACHE", "LOCAL_SOURCE_CACHE", "LOCAL_DOCKER_LAYER_CACHE"}))

	// The pipeline in template.yaml.
	runOrder1           = sh.num(1)
	sourceArtifactItem  = sh.mapping("Name", sourceArtifact)
	pipelineRoleArn     = sh.getAtt("PipelineRole", "Arn")
	pipelineStore       = sh.mapping("Type", "S3", "Location", sh.ref("ArtifactBucket"))
	pipelineName        = sh.sub("${AWS::StackName}")
	parameterRefs       = map[string]*yamlnode.Node{"ConnectionArn": sh.ref("ConnectionArn"), "FullRepositoryId": sh.ref("FullRepositoryId"), "BranchName": sh.ref("BranchName")}
	actionTypeIDs       = map[actionTypeID]*yamlnode.Node{}
	sourceActionType    = actionTypeID{"Source", "AWS", "CodeStarSourceConnection", "1"}
	buildActionType     = actionTypeID{"Build", "AWS", "CodeBuild", "1"}
	approvalActionType  = actionTypeID{"Approval", "AWS", "Manual", "1"}
	knownActionTypes    = []actionTypeID{sourceActionType, buildActionType, approvalActionType}
	schedulerTargetArn  = sh.sub("arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}")
	schedulerRoleArn    = sh.getAtt("SchedulerRole", "Arn")
	scheduleTimeWindow  = sh.mapping("Mode", "OFF")
	scheduleTargetValue = sh.mapping("Arn", schedulerTargetArn, "RoleArn", schedulerRoleArn)

	// IAM roles.
	codeBuildTrust    = sh.trustPolicy("codebuild.amazonaws.com")
	codePipelineTrust = sh.trustPolicy("codepipeline.amazonaws.com")
	schedulerTrust    = sh.trustPolicy("scheduler.amazonaws.com")
	artifactObjects   = sh.sub("${ArtifactBucket.Arn}/*")
	artifactBucketArn = sh.getAtt("ArtifactBucket", "Arn")
	connectionRef     = sh.ref("ConnectionArn")
	noValue           = sh.ref("AWS::NoValue")

	logsActions    = sh.strs([]string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"})
	secretsActions = sh.strs([]string{"secretsmanager:GetSecretValue"})
	ssmActions     = sh.strs([]string{"ssm:GetParameters"})
	assumeActions  = sh.strs([]string{"sts:AssumeRole"})
	batchActions   = sh.strs([]string{"codebuild:StartBuild", "codebuild:StopBuild", "codebuild:RetryBuild"})
	projectActions = sh.strs([]string{"codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StartBuildBatch", "codebuild:BatchGetBuildBatches"})
	startPipeline  = sh.strs([]string{"codepipeline:StartPipelineExecution"})

	buildArtifactObjects    = sh.statement(sh.strs([]string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}), artifactObjects)
	buildArtifactBucket     = sh.statement(sh.strs([]string{"s3:GetBucketAcl", "s3:GetBucketLocation"}), artifactBucketArn)
	buildConnection         = sh.statement(sh.strs([]string{"codeconnections:UseConnection", "codestar-connections:UseConnection", "codeconnections:GetConnectionToken", "codestar-connections:GetConnectionToken"}), connectionRef)
	pipelineArtifactObjects = sh.statement(sh.strs([]string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl"}), artifactObjects)
	pipelineArtifactBucket  = sh.statement(sh.strs([]string{"s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:ListBucket"}), artifactBucketArn)
	pipelineConnection      = sh.statement(sh.strs([]string{"codeconnections:UseConnection", "codestar-connections:UseConnection"}), connectionRef)
	assumeAnyRole           = sh.statement(assumeActions, sh.sub("arn:${AWS::Partition}:iam::*:role/*"))

	// buildspecs
	buildspecVersion = sh.str("0.2")
)

func init() {
	for _, t := range knownActionTypes {
		actionTypeIDs[t] = sh.actionTypeNode(t)
	}
}

// actionTypeNode renders an action type (shared for the known ones).
func (b *nodes) actionTypeNode(t actionTypeID) *yamlnode.Node {
	if n := actionTypeIDs[t]; n != nil {
		return n
	}
	return b.mapping("Category", b.jstr(t.Category), "Owner", b.jstr(t.Owner), "Provider", b.jstr(t.Provider), "Version", b.jstr(t.Version))
}
