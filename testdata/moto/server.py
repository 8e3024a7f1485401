"""Start moto_server (5.2.x) for actionport's end-to-end test of the container action.

Usage: python3 server.py HOST PORT

moto 5.2.1 creates the stack of a CREATE change set with an empty template and
ExecuteChangeSet never rebuilds the stack's Outputs, so DescribeStacks returns no
Outputs after `cdk deploy` (which deploys through change sets). The patch below
re-parses the executed template into the stack and rebuilds its output map, as
real CloudFormation would. Nothing else is changed.
"""
import sys

from moto.cloudformation import models as cfn_models
from moto.server import main as moto_main

_original_apply = cfn_models.ChangeSet.apply


def _apply_and_refresh_outputs(self):
    _original_apply(self)
    stack = self.stack
    stack.template = self.template
    stack._parse_template()
    stack.output_map = stack._create_output_map()


cfn_models.ChangeSet.apply = _apply_and_refresh_outputs

if __name__ == "__main__":
    host, port = sys.argv[1], sys.argv[2]
    sys.exit(moto_main(["-H", host, "-p", port]))
