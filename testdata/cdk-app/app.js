#!/usr/bin/env node
// Small CDK app used by actionport's end-to-end test of the container action.
// Plain JavaScript so that no build step is needed.
'use strict';

const cdk = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');

class ActionportTestStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    const bucket = new s3.CfnBucket(this, 'Artifacts', {
      tags: [{ key: 'app', value: 'actionport-testdata' }],
    });

    const greeting = this.node.tryGetContext('greeting') || 'hello';

    new cdk.CfnOutput(this, 'BucketName', {
      value: bucket.ref,
      description: 'Name of the bucket created by the test stack',
    });
    new cdk.CfnOutput(this, 'Greeting', {
      value: greeting,
      description: 'Value of the "greeting" context key',
    });
  }
}

const app = new cdk.App({ analyticsReporting: false });
new ActionportTestStack(app, 'ActionportTestStack', {
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  },
});
app.synth();
