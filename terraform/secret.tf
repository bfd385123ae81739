# The Spotify app's credentials. Terraform creates the secret but never its value: the value is
# put out of band (docs/deploy.md, or `terraform output -raw set_secret_command`), so it is in
# no file, no plan and no state. Expected JSON:
#   {"client_id": "...", "client_secret": "..."}                       client-credentials flow
#   {"client_id": "...", "client_secret": "...", "refresh_token": "..."}   authorization-code flow
resource "aws_secretsmanager_secret" "spotify" {
  #checkov:skip=CKV2_AWS_57:Spotify app credentials cannot be rotated by a Lambda: a new client secret is issued in the Spotify developer dashboard, then put with the documented command.
  name                    = "${local.prefix}/spotify-credentials"
  description             = "Spotify Web API credentials of the ${local.prefix} extract Lambda: JSON with client_id, client_secret and optionally refresh_token. Set out of band."
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = var.secret_recovery_window_days
}
