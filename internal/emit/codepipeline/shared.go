package codepipeline

import "github.com/actionport/actionport/internal/yamlnode"

// Subtrees that are the same in every document are built once and shared by
// all documents (and conversions running at the same time): the writer only
// reads nodes. Never modify a shared node: no set, no comment.
var (
	// template.yaml
	artifactBucketResource = mapping("Type", "AWS::S3::Bucket", "DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain",
		"Properties", mapping(
			"BucketEncryption", mapping("ServerSideEncryptionConfiguration", seq(mapping("ServerSideEncryptionByDefault", mapping("SSEAlgorithm", "AES256")))),
			"VersioningConfiguration", mapping("Status", "Enabled"),
			"PublicAccessBlockConfiguration", mapping("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
		))
	templateOutputs = mapping(
		"PipelineName", mapping("Value", ref("Pipeline")),
		"ArtifactBucketName", mapping("Value", ref("ArtifactBucket")),
	)
	codeBuildRoleArn     = getAtt("CodeBuildRole", "Arn")
	pipelineArtifacts    = mapping("Type", "CODEPIPELINE")
	batchConfig          = mapping("ServiceRole", codeBuildRoleArn, "CombineArtifacts", false, "TimeoutInMins", 480)
	localCache           = mapping("Type", "LOCAL", "Modes", strs([]string{"LOCAL_CUSTOM_CACHE", "LOCAL_SOURCE_CACHE"}))
	localCachePrivileged = mapping("Type", "LOCAL", "Modes", strs([]string{"LOCAL_CUSTOM_CACHE", "LOCAL_SOURCE_CACHE", "LOCAL_DOCKER_LAYER_CACHE"}))

	// The pipeline in template.yaml.
	runOrder1           = num(1)
	sourceArtifactItem  = mapping("Name", sourceArtifact)
	pipelineRoleArn     = getAtt("PipelineRole", "Arn")
	pipelineStore       = mapping("Type", "S3", "Location", ref("ArtifactBucket"))
	pipelineName        = sub("${AWS::StackName}")
	parameterRefs       = map[string]*yamlnode.Node{"ConnectionArn": ref("ConnectionArn"), "FullRepositoryId": ref("FullRepositoryId"), "BranchName": ref("BranchName")}
	actionTypeIDs       = map[actionTypeID]*yamlnode.Node{}
	sourceActionType    = actionTypeID{"Source", "AWS", "CodeStarSourceConnection", "1"}
	buildActionType     = actionTypeID{"Build", "AWS", "CodeBuild", "1"}
	approvalActionType  = actionTypeID{"Approval", "AWS", "Manual", "1"}
	knownActionTypes    = []actionTypeID{sourceActionType, buildActionType, approvalActionType}
	schedulerTargetArn  = sub("arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}")
	schedulerRoleArn    = getAtt("SchedulerRole", "Arn")
	scheduleTimeWindow  = mapping("Mode", "OFF")
	scheduleTargetValue = mapping("Arn", schedulerTargetArn, "RoleArn", schedulerRoleArn)

	// IAM roles.
	codeBuildTrust    = trustPolicy("codebuild.amazonaws.com")
	codePipelineTrust = trustPolicy("codepipeline.amazonaws.com")
	schedulerTrust    = trustPolicy("scheduler.amazonaws.com")
	artifactObjects   = sub("${ArtifactBucket.Arn}/*")
	artifactBucketArn = getAtt("ArtifactBucket", "Arn")
	connectionRef     = ref("ConnectionArn")

	logsActions    = strs([]string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"})
	secretsActions = strs([]string{"secretsmanager:GetSecretValue"})
	ssmActions     = strs([]string{"ssm:GetParameters"})
	assumeActions  = strs([]string{"sts:AssumeRole"})
	batchActions   = strs([]string{"codebuild:StartBuild", "codebuild:StopBuild", "codebuild:RetryBuild"})
	projectActions = strs([]string{"codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StartBuildBatch", "codebuild:BatchGetBuildBatches"})
	startPipeline  = strs([]string{"codepipeline:StartPipelineExecution"})

	buildArtifactObjects    = statement(strs([]string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}), artifactObjects)
	buildArtifactBucket     = statement(strs([]string{"s3:GetBucketAcl", "s3:GetBucketLocation"}), artifactBucketArn)
	buildConnection         = statement(strs([]string{"codeconnections:UseConnection", "codestar-connections:UseConnection", "codeconnections:GetConnectionToken", "codestar-connections:GetConnectionToken"}), connectionRef)
	pipelineArtifactObjects = statement(strs([]string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl"}), artifactObjects)
	pipelineArtifactBucket  = statement(strs([]string{"s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:ListBucket"}), artifactBucketArn)
	pipelineConnection      = statement(strs([]string{"codeconnections:UseConnection", "codestar-connections:UseConnection"}), connectionRef)
	assumeAnyRole           = statement(assumeActions, sub("arn:${AWS::Partition}:iam::*:role/*"))

	// buildspecs
	buildspecVersion = str("0.2")
)

func init() {
	for _, t := range knownActionTypes {
		actionTypeIDs[t] = actionTypeNode(t)
	}
}

// actionTypeNode renders an action type (shared for the known ones).
func actionTypeNode(t actionTypeID) *yamlnode.Node {
	if n := actionTypeIDs[t]; n != nil {
		return n
	}
	return mapping("Category", jstr(t.Category), "Owner", jstr(t.Owner), "Provider", jstr(t.Provider), "Version", jstr(t.Version))
}
