/// Statuses follow spec 03 exactly (not the reference Hub's divergences); texts are ours.
enum ErrorCatalog {
    static func entry(for code: ErrorCode) -> ErrorCatalogEntry {
        switch code {
        case .authRequired:
            e(401, "yes, after registering", "No agent credentials were sent: neither X-Agent-ID/X-API-Key headers nor mandate.agent_id/mandate.api_key.",
              "Register with POST /api/agent/register and send the returned agent_id and api_key.", "register")
        case .invalidAPIKey:
            e(401, "no", "The agent id and API key do not match a registered agent (the Hub does not say which part is wrong).",
              "Check the credentials; a rotated key stops working when its grace period ends. If the key is lost, register again.", "register")
        case .mandateExpired:
            e(401, "yes, with a new mandate", "mandate.expires_at is in the past.", "Issue a new mandate with a future expires_at.", "renew_mandate")
        case .insufficientBudget:
            e(402, "yes, with a higher budget", "mandate.budget_usdc is below the price of the action.",
              "Raise budget_usdc to at least details.required_usdc, or call a cheaper action.", nil)
        case .provenanceMismatch:
            e(403, "yes, with a fresh v2 hash and nonce",
              "mandate.provenance_hash failed verification. details.subcause (wire_malformed, clock_skew, hmac_mismatch, nonce_replay) says why, once the key verified.",
              "Compute v2:<unix seconds>:<fresh random hex nonce>:<HMAC-SHA256(api_key, agent_id:ts:nonce)> per call; keep the clock within 300 s.", nil)
        case .insufficientTrust:
            e(403, "no, not until the tier rises", "The agent's trust tier is below the action's trust_tier_required.",
              "Use the capabilities listed in next_action.fallback to accumulate successful calls.", "earn_trust")
        case .agentSuspended:
            e(403, "no", "The Hub operator suspended this agent.", "Contact the Hub operator.", nil)
        case .adminAuthRequired:
            e(401, "no", "The operator API needs Authorization: Bearer <admin token>.", "Send the admin token the Hub printed at start-up.", nil)
        case .invalidRequest:
            e(400, "no", "The body is not valid JSON or is not a JSON object.", "Send a JSON object.", nil)
        case .unsupportedVersion:
            e(400, "no", "The jecp field is not a version this Hub supports.", "Send \"jecp\": \"1.0\".", nil)
        case .validationFailed:
            e(400, "no", "The envelope violates the request schema; details.errors lists every violation with its path.",
              "Fix each listed field.", "lookup_schema")
        case .inputSchemaViolation:
            e(400, "no", "input does not satisfy the action's input_schema; details.errors lists instance and schema paths.",
              "Fetch details.schema_url and fix input.", "lookup_schema")
        case .unsupportedMediaType:
            e(415, "yes, after fixing Content-Type", "Content-Type is not application/json.", "Send Content-Type: application/json.", nil)
        case .inputTooLarge:
            e(413, "no", "The body exceeds 10 MB, input exceeds 5 MB or metadata exceeds 4 KB.", "Send less, or use URL delivery.", nil)
        case .duplicateRequest:
            e(409, "no, use a new id", "The request id was used in the last 24 h for a different capability, action, input or provenance.",
              "Use a fresh id for a different request; resend the identical request to get the stored response.", nil)
        case .agentNameTaken:
            e(409, "no", "Another agent already registered with this name.", "Choose another name.", nil)
        case .notStreamable:
            e(406, "no", "A streamed response was asked for an action that does not stream.", "Drop Accept: text/event-stream.", nil)
        case .asyncNotSupported:
            e(503, "no, use sync delivery", "delivery.mode async is not offered by this Hub yet (spec 01 §3.5 allows 503).",
              "Send the request with delivery.mode sync (the default).", nil)
        case .streamInProgress:
            e(409, "yes, after the first stream ends", "A streamed request with the same id is still open.",
              "Wait for the open stream's terminal event; a retry after it ends gets its terminal events again.", "wait")
        case .urlBlockedSSRF:
            e(422, "no", "A URL failed the Hub's SSRF policy (spec 02 §9.7.1): not https, a malformed host, or an address in a private, loopback or link-local range.",
              "Use a public https URL; details.field, details.blocked_url and details.reason say which and why.", nil)
        case .capabilityNotFound:
            e(404, "no", "No capability with this id exists on this Hub.", "List capabilities with GET /v1/capabilities.", "lookup_schema")
        case .actionNotFound:
            e(404, "no", "The capability exists but has no such action.", "List its actions with GET /v1/capabilities/{id}.", "lookup_schema")
        case .capabilityDeprecated:
            e(410, "no", "The capability or action is past its sunset date.", "Move to details.successor.", nil)
        case .providerNotFound:
            e(404, "no", "No provider is registered under the namespace of this capability.", "List capabilities with GET /v1/capabilities.", nil)
        case .agentNotFound:
            e(404, "no", "No agent with this id exists (operator API).", "Check the agent id.", nil)
        case .notFound:
            e(404, "no", "No route matches this path.", "See GET /openapi.json for the routes of this Hub.", nil)
        case .methodNotAllowed:
            e(405, "no", "The route exists but not with this HTTP method.", "See GET /openapi.json.", nil)
        case .insufficientBalance:
            e(402, "yes, after a top-up", "The wallet balance is below the price and no free call applies.", "Top up the wallet.", "topup")
        case .paymentRequired:
            e(402, "yes, after a top-up", "No funding source applies: free calls are used up and the wallet is empty.", "Top up the wallet.", "topup")
        case .topupNotEnabled:
            e(503, "no, until the operator enables it", "This Hub does not take top-ups: Stripe is not configured.",
              "Ask the Hub operator to set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or to credit the wallet directly.", nil)
        case .paymentProcessorError:
            e(502, "no", "Stripe refused to create the checkout (details.stripe_status, details.stripe_message). Nothing was charged.",
              "Report X-Request-ID to the Hub operator: the Hub's Stripe account or settings need attention.", nil)
        case .paymentProcessorUnavailable:
            e(503, "yes, with backoff", "Stripe could not be reached or failed (5xx). Nothing was charged.", "Retry after Retry-After seconds.", "wait")
        case .stripeSignatureInvalid:
            e(400, "no", "A request to /webhooks/stripe lacks a valid Stripe-Signature (wrong secret, stale timestamp or altered body). Nothing changed.",
              "Set STRIPE_WEBHOOK_SECRET to the signing secret of this endpoint in the Stripe dashboard.", nil)
        case .rateLimited:
            e(429, "yes, after Retry-After seconds", "The agent's sliding 60 s request window (by trust tier) is full.",
              "Wait Retry-After seconds; rising tiers raise the limit.", "wait")
        case .rotation24hCap:
            e(429, "yes, when the oldest rotation ages out", "At most 3 key rotations are allowed in 24 h.", "Wait until details.next_slot_at.", "wait")
        case .rotationRace:
            e(409, "yes, after a short backoff", "A concurrent change to the same record won the race.", "Retry after 100-500 ms.", nil)
        case .providerError:
            e(502, "depends", "The provider returned an error.", "Retry later or choose another provider.", nil)
        case .providerUnavailable:
            e(503, "yes, with backoff", "The provider is offline or suspended.", "Retry with exponential backoff.", nil)
        case .providerTimeout:
            e(504, "yes, once", "The capability did not finish within its deadline. Nothing was charged.", "Retry once; avoid retrying expensive work.", nil)
        case .streamTimeout:
            e(504, "yes, with a shorter expected duration", "The stream ran past the Hub's 5-minute cap; delivered as an SSE cancelled event.",
              "Ask for less output per call.", nil)
        case .streamIncomplete:
            e(502, "yes", "The provider closed its stream without a terminal event; delivered as an SSE error event. Nothing was charged.",
              "Retry; persistent failures suggest another provider.", nil)
        case .providerDisconnect:
            e(502, "yes, with backoff", "The connection to the provider broke mid-stream; delivered as an SSE error event. Nothing was charged.",
              "Retry with backoff.", nil)
        case .namespaceTaken:
            e(409, "no", "Another provider already registered this namespace.", "Choose another namespace.", nil)
        case .namespaceMismatch:
            e(403, "no", "The manifest's namespace is not the namespace of the provider key that sent it.",
              "Publish under your own namespace (GET /v1/providers/me).", nil)
        case .dnsVerificationFailed:
            e(422, "yes, after publishing the TXT record", "No TXT record _jecp.<host> carrying jecp-verify=<token> was found for the host of endpoint_url.",
              "Publish the TXT record shown at registration, wait for propagation, then call POST /v1/providers/verify-dns again.", nil)
        case .manifestTooLarge:
            e(413, "no", "The manifest exceeds 10 KB (spec 04 §4.4).", "Shorten descriptions and schemas, or split the capability.", nil)
        case .manifestVersionExists:
            e(409, "no", "This namespace already published this capability at this version.", "Bump the semver version and publish again.", nil)
        case .manifestNotFound:
            e(404, "no", "No manifest with this capability and version exists in your namespace.", "List your manifests with GET /v1/manifests.", nil)
        case .transactionNotFound:
            e(404, "no", "No ledger transaction with this id belongs to the calling agent (the Hub does not say whether it exists for someone else).",
              "Take the id from billing.transaction_id of the invoke response or from GET /v1/agents/me/transactions.", nil)
        case .refundNotACharge:
            e(422, "no", "Only a charge can be refunded; this transaction is a credit (top-up) or a refund. details.kind says which.",
              "Request the refund of the charge itself.", nil)
        case .refundWindowExpired:
            e(422, "no", "The charge is older than this Hub's refund window; details.charged_at and details.window_days say by how much.",
              "Contact the provider or the Hub operator.", nil)
        case .refundAlreadyRequested:
            e(409, "no", "A refund was already requested for this transaction; details.refund_id and details.status say where it stands.",
              "Follow it with GET /v1/refunds/{details.refund_id}.", nil)
        case .refundDailyCap:
            e(429, "yes, after Retry-After seconds", "The agent reached its cap of refund requests in the trailing 24 hours.",
              "Wait Retry-After seconds (details.next_slot_at).", "wait")
        case .refundReasonInvalid:
            e(400, "no", "reason is required: a string of 1 to 1000 characters saying what went wrong.", "Send a reason.", nil)
        case .refundNotFound:
            e(404, "no", "No refund with this id is visible to the caller (agents see their own, providers those of their capabilities).",
              "List refunds with GET /v1/refunds (agents) or GET /v1/providers/me/refunds (providers).", nil)
        case .refundAlreadyDecided:
            e(409, "no", "The refund was already approved or denied (by someone else, or by auto-approval); details.status is its current status.",
              "Nothing to do; GET the refund to see the decision.", nil)
        case .subscriptionNotFound:
            e(404, "no", "No webhook subscription with this id belongs to the caller (each agent or provider sees only its own).",
              "List your subscriptions with GET /v1/subscriptions.", nil)
        case .subscriptionLimitReached:
            e(409, "no", "The caller already holds the most webhook subscriptions this Hub allows; details.limit says how many.",
              "Delete a subscription you no longer need, or subscribe one endpoint to several events.", nil)
        case .internalError:
            e(500, "yes, once", "An unexpected condition in the Hub. Nothing was charged.", "Retry once; report X-Request-ID to the operator.", nil)
        case .serviceDegraded:
            e(503, "yes, with backoff", "A dependency of the Hub (its database) is unavailable.", "Retry after Retry-After seconds.", "wait")
        case .executionFailed:
            e(500, "usually not", "The capability failed while executing. Nothing was charged.", "Check details.reason; fix input if it names a field.", nil)
        case .outputInvalid:
            e(502, "no", "The capability returned output that violates its output_schema. Nothing was charged.", "Report to the provider.", nil)
        case .artifactSignatureInvalid:
            e(403, "no", "The artifact URL's sig does not match its id and expires parameters (the URL was altered).",
              "Use the URL exactly as the invoke response gave it.", nil)
        case .artifactExpired:
            e(410, "yes, by invoking again", "The artifact URL is past its expires time; the artifact may already be deleted.",
              "Invoke the action again (a new request id) for a fresh artifact.", nil)
        case .compositeStepFailed:
            e(502, "depends on details.upstream_error", "A step of a composite action failed; details.failed_step_id and details.upstream_error say which and why. Nothing was charged.",
              "Follow the recovery of details.upstream_error.code, then retry with a new request id.", nil)
        case .compositeBindError:
            e(422, "no", "A composite step referenced an input field or step output that does not exist. Nothing was charged.",
              "Supply the input field named in details.reference, or report the composite's definition to its provider.", nil)
        case .compositeDepthExceeded:
            e(409, "no", "A composite step resolved to another composite; JECP v1.0 allows depth 1. Nothing was charged.", "Report to the composite's provider.", nil)
        case .compositeTimeout:
            e(504, "yes, once", "The composite did not finish within its timeout_total_ms. Nothing was charged.", "Retry once with a new request id.", nil)
        case .compositeRefundFailed:
            e(502, "no", "A rolled-back composite could not reverse every prior step; details.unrefunded_step_ids lists them.",
              "Nothing to retry: the operator is alerted and settles by hand.", nil)
        }
    }

    private static func e(_ status: Int, _ retry: String, _ meaning: String, _ recovery: String, _ next: String?) -> ErrorCatalogEntry {
        ErrorCatalogEntry(status: status, retrySafe: retry, meaning: meaning, recovery: recovery, nextActionType: next)
    }
}
