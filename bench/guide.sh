#!/bin/sh
# guide.sh - the "AWS ECR Deployment Guide" procedure, command for command,
# as a person would type it with the aws CLI.  The benchmark (run.sh) times
# it against `ecr-wizard apply` on the same moto server.
#
#   guide.sh ENDPOINT_URL ACCOUNT REGION OWNER/REPO ECR_REPO ROLE POLICY
#
# Runs in the current directory (writes the three policy documents there).
set -eu
url=$1 account=$2 region=$3 gh=$4 repo=$5 role=$6 policy=$7
aws="aws --endpoint-url $url --region $region --output json"

cat > trust-policy.json <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::$account:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
        },
        "StringLike": {
          "token.actions.githubusercontent.com:sub": "repo:$gh:*"
        }
      }
    }
  ]
}
EOF

cat > permissions-policy.json <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "ecr:GetAuthorizationToken",
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:CompleteLayerUpload",
        "ecr:GetDownloadUrlForLayer",
        "ecr:InitiateLayerUpload",
        "ecr:PutImage",
        "ecr:UploadLayerPart"
      ],
      "Resource": "arn:aws:ecr:$region:$account:repository/$repo"
    }
  ]
}
EOF

cat > lifecycle-policy.json <<'EOF'
{
  "rules": [
    {
      "rulePriority": 1,
      "description": "Keep only the last 10 images",
      "selection": {
        "tagStatus": "any",
        "countType": "imageCountMoreThan",
        "countNumber": 10
      },
      "action": {
        "type": "expire"
      }
    }
  ]
}
EOF

# 1. the repository
$aws ecr create-repository --repository-name "$repo" \
	--image-scanning-configuration scanOnPush=true >/dev/null
# 2. the OIDC provider
$aws iam create-open-id-connect-provider \
	--url https://token.actions.githubusercontent.com \
	--client-id-list sts.amazonaws.com \
	--thumbprint-list 6938fd4d98bab03faadb97b34396831e3780aea1 >/dev/null
# 3. the permissions policy
$aws iam create-policy --policy-name "$policy" \
	--policy-document file://permissions-policy.json >/dev/null
# 4. the role
$aws iam create-role --role-name "$role" \
	--assume-role-policy-document file://trust-policy.json >/dev/null
# 5. attach, and read the role ARN for the secrets
$aws iam attach-role-policy --role-name "$role" \
	--policy-arn "arn:aws:iam::$account:policy/$policy"
$aws iam get-role --role-name "$role" --query Role.Arn --output text >/dev/null
# 6. the lifecycle policy
$aws ecr put-lifecycle-policy --repository-name "$repo" \
	--lifecycle-policy-text file://lifecycle-policy.json >/dev/null
