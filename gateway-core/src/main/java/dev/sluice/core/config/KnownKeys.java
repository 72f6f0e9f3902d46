package dev.sluice.core.config;

import java.util.Set;

/**
 * The keys of LiteLLM's config that Sluice reads, and those it recognises but does not act on
 * yet, per section. Anything else draws an "unknown key" warning, which catches typos.
 */
final class KnownKeys {

    private KnownKeys() {
    }

    static final Set<String> TOP_SUPPORTED = Set.of(
            "model_list", "litellm_settings", "router_settings", "general_settings", "environment_variables",
            "plugin_settings", "callback_settings", "guardrails");
    static final Set<String> TOP_NOT_YET = Set.of(
            "credential_list", "include", "mcp_servers", "files_settings", "assistant_settings",
            "finetune_settings", "vector_store_registry", "search_tools");

    /** litellm_params the gateway consumes; every other key goes to the provider plugin. */
    static final Set<String> LITELLM_PARAMS_CONSUMED = Set.of(
            "model", "api_base", "api_key", "api_version", "timeout", "stream_timeout", "max_retries", "rpm",
            "tpm", "weight", "extra_headers", "order", "ssl_verify", "ssl_certfile", "ssl_keyfile");

    static final Set<String> GENERAL_SUPPORTED = Set.of(
            "master_key", "database_url", "max_request_size_mb", "disable_auth_on_health_endpoint", "disable_spend_logs",
            "require_auth_for_metrics_endpoint", "json_logs", "store_model_in_db", "allowed_ips", "trusted_proxies",
            "ssl_certfile_path", "ssl_keyfile_path", "request_header_timeout_seconds", "request_body_timeout_seconds",
            "shutdown_readiness_delay_seconds", "graceful_shutdown_seconds", "pass_through_endpoints", "alerting",
            "alert_types", "alert_to_webhook_url", "alerting_args",
            "alerting_threshold", "spend_report_frequency");
    static final Set<String> GENERAL_NOT_YET = Set.of(
            "proxy_batch_write_at", "database_connection_pool_limit",
            "database_connection_timeout", "allowed_routes", "public_routes", "admin_only_routes",
            "enforce_user_param", "background_health_checks", "health_check_interval", "health_check_details",
            "ui_access_mode", "custom_auth", "max_response_size_mb",
            "disable_master_key_return", "disable_reset_budget", "disable_adding_master_key_hash_to_db",
            "enable_jwt_auth", "litellm_jwtauth", "proxy_budget_rescheduler_min_time",
            "proxy_budget_rescheduler_max_time", "use_redis_transaction_buffer", "allow_requests_on_db_unavailable",
            "key_management_system", "key_management_settings",
            "infer_model_from_keys", "forward_client_headers_to_llm_api",
            "user_header_name", "maximum_spend_logs_retention_period",
            "use_shared_health_check", "user_api_key_cache_ttl", "default_team_disabled", "enable_oauth2_auth",
            "max_parallel_requests", "global_max_parallel_requests", "disable_retry_on_max_parallel_request_limit_error");

    static final Set<String> LITELLM_SUPPORTED = Set.of("request_timeout", "drop_params", "cache", "cache_params", "num_retries", "fallbacks",
            "context_window_fallbacks", "content_policy_fallbacks", "default_fallbacks", "allowed_fails",
            "cooldown_time", "max_fallbacks", "retry_policy", "model_group_alias", "retry_after",
            "allowed_fails_policy", "model_group_retry_policy", "disable_cooldowns", "enable_pre_call_checks",
            "callbacks", "success_callback", "json_logs", "require_auth_for_metrics_endpoint", "ssl_verify",
            "ssl_certfile", "ssl_keyfile", "budget_exceeded_status_code", "failure_callback", "turn_off_message_logging",
            "guardrails", "s3_callback_params");
    static final Set<String> LITELLM_NOT_YET = Set.of(
            "service_callback", "set_verbose", "max_budget", "budget_duration", "redact_user_api_key_info",
            "redact_messages_in_exceptions", "telemetry", "modify_params", "enable_preview_features",
            "default_team_settings", "default_key_generate_params",
            "upperbound_key_generate_params", "default_internal_user_params", "max_internal_user_budget",
            "internal_user_budget_duration", "disable_end_user_cost_tracking", "force_ipv4", "return_response_headers",
            "enable_json_schema_validation", "num_retries_per_request", "store_audit_logs", "key_generation_settings",
            "default_max_internal_user_budget", "content_policy_fallbacks_enabled", "disable_add_transform_inline_image_block",
            "mcp_aliases", "context_window_fallback_dict");

    static final Set<String> ROUTER_SUPPORTED = Set.of("routing_strategy", "timeout", "num_retries", "retry_after",
            "allowed_fails", "cooldown_time", "fallbacks", "context_window_fallbacks", "content_policy_fallbacks",
            "default_fallbacks", "model_group_alias", "enable_pre_call_checks", "retry_policy", "allowed_fails_policy",
            "max_fallbacks", "stream_timeout", "routing_strategy_args", "model_group_retry_policy", "disable_cooldowns",
            "redis_host", "redis_port", "redis_password", "redis_url");
    static final Set<String> ROUTER_NOT_YET = Set.of(
            "cache_responses", "provider_budget_config",
            "enable_tag_filtering", "tag_filtering_match_any", "cache_kwargs", "client_ttl", "polling_interval",
            "default_priority", "optional_pre_call_checks", "num_workers", "deployment_affinity_ttl_seconds",
            "router_general_settings");
}
