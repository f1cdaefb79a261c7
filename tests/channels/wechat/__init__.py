"""Tests of hub/channels/wechat."""
