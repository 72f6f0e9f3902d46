package dev.sluice.core.spend;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * Adds a batch of calls to {@code sluice_daily_spend}, in the spend ledger's transaction: one
 * update per distinct day, key, user, team, end user and model, then an insert for each that
 * was not there yet. When two replicas insert the same row at once, one transaction fails on the
 * primary key and the ledger retries its batch, which then updates.
 */
final class DailySpend {

    private DailySpend() {
    }

    private record Bucket(LocalDate day, String apiKey, String userId, String teamId, String endUser,
                          String modelGroup, String model) {
    }

    private static final class Sums {
        String keyAlias;
        BigDecimal spend = BigDecimal.ZERO;
        long promptTokens;
        long completionTokens;
        long requests;
        long failed;
    }

    static void add(Handle handle, List<SpendRecord> records) {
        Map<Bucket, Sums> buckets = new LinkedHashMap<>();
        for (SpendRecord record : records) {
            Bucket bucket = new Bucket(LocalDate.ofInstant(record.startTime(), ZoneOffset.UTC), text(record.keyToken()),
                    text(record.userId()), text(record.teamId()), text(record.endUser()), text(record.modelGroup()),
                    text(record.model()));
            Sums sums = buckets.computeIfAbsent(bucket, b -> new Sums());
            sums.keyAlias = record.keyAlias() != null ? record.keyAlias() : sums.keyAlias;
            sums.spend = sums.spend.add(record.spend());
            sums.promptTokens += record.promptTokens();
            sums.completionTokens += record.completionTokens();
            sums.requests++;
            sums.failed += "success".equals(record.status()) ? 0 : 1;
        }
        if (buckets.isEmpty()) {
            return;
        }
        var update = handle.prepareBatch("""
                update sluice_daily_spend set spend = spend + :spend, prompt_tokens = prompt_tokens + :prompt,
                    completion_tokens = completion_tokens + :completion, requests = requests + :requests,
                    failed_requests = failed_requests + :failed, key_alias = coalesce(:key_alias, key_alias)
                where spend_day = :day and api_key = :api_key and user_id = :user_id and team_id = :team_id
                    and end_user = :end_user and model_group = :model_group and model = :model""");
        buckets.forEach((bucket, sums) -> bind(update, bucket, sums).add());
        int[] updated = update.execute();
        var insert = handle.prepareBatch("""
                insert into sluice_daily_spend (spend_day, api_key, user_id, team_id, end_user, model_group, model, key_alias,
                    spend, prompt_tokens, completion_tokens, requests, failed_requests)
                values (:day, :api_key, :user_id, :team_id, :end_user, :model_group, :model, :key_alias, :spend,
                    :prompt, :completion, :requests, :failed)""");
        int i = 0;
        boolean any = false;
        for (Map.Entry<Bucket, Sums> entry : buckets.entrySet()) {
            if (updated[i++] == 0) {
                bind(insert, entry.getKey(), entry.getValue()).add();
                any = true;
            }
        }
        if (any) {
            insert.execute();
        }
    }

    private static org.jdbi.v3.core.statement.PreparedBatch bind(org.jdbi.v3.core.statement.PreparedBatch batch,
                                                                  Bucket bucket, Sums sums) {
        return batch.bind("day", bucket.day()).bind("api_key", bucket.apiKey()).bind("user_id", bucket.userId())
                .bind("team_id", bucket.teamId()).bind("end_user", bucket.endUser())
                .bind("model_group", bucket.modelGroup()).bind("model", bucket.model()).bind("key_alias", sums.keyAlias)
                .bind("spend", sums.spend).bind("prompt", sums.promptTokens).bind("completion", sums.completionTokens)
                .bind("requests", sums.requests).bind("failed", sums.failed);
    }

    private static String text(String value) {
        return Objects.requireNonNullElse(value, "").trim();
    }
}
