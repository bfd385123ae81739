# The Spotify app's credentials. Terraform creates the secret but never its value: the value is
# put out of band by `spotify-etl auth --secret-id <name>` (docs/deploy.md), so it is in no file,
# no plan and no state; the Lambda updates refresh_token when Spotify rotates it. Expected JSON:
#   {"client_id": "...", "client_secret": "...", "refresh_token": "..."}
# Without refresh_token the Lambda has an app token, which reads no playlist's items in
# development mode (since March 2026).
resource "aws_secretsmanager_secret" "spotify" {
  #checkov:skip=CKV2_AWS_57:Spotify app credentials cannot be rotated by a Lambda: a new client secret is issued in the Spotify developer dashboard, then put with the documented command.
  name                    = "${local.prefix}/spotify-credentials"
  description             = "Spotify Web API credentials of the ${local.prefix} extract Lambda: JSON with client_id, client_secret and optionally refresh_token. Set out of band."
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = var.secret_recovery_window_days
}
