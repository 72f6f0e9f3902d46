package dev.sluice.plugins.guardrails;

import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kinds of personal data and secrets the guardrail finds, by Presidio's entity names (as
 * LiteLLM's {@code pii_entities_config} names them), each a pattern and, where the kind has one,
 * its checksum, so that a number that merely looks like a card or an IBAN is left alone.
 */
enum PiiEntity {
    /** API keys and tokens by their vendors' prefixes: OpenAI, Anthropic, AWS, GitHub, Slack, Google. */
    API_KEY("\\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}"
            + "|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})"),
    /** Email addresses. */
    EMAIL_ADDRESS("\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}\\b"),
    /** IBANs, with or without spaces in groups of four, passing the mod-97 check. */
    IBAN_CODE("\\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\\b"),
    /** Payment card numbers of 13 to 19 digits, spaced or dashed, passing the Luhn check. */
    CREDIT_CARD("\\b(?:[0-9][ -]?){12,18}[0-9]\\b"),
    /**
     * Phone numbers: with a {@code +} country code or an area code in brackets, or else 10 to 15
     * digits in three or more groups (so dates and plain order numbers are not phones).
     */
    PHONE_NUMBER("(?<![\\w+])(?:\\+[0-9]{1,3}[ .-]?)?(?:\\([0-9]{2,4}\\)[ .-]?)?[0-9]{2,4}(?:[ .-]?[0-9]{2,4}){2,4}\\b");

    private final Pattern pattern;

    PiiEntity(String regex) {
        this.pattern = Pattern.compile(regex);
    }

    Matcher matcher(CharSequence text) {
        return pattern.matcher(text);
    }

    /** @return whether the match is one: its checksum holds, or its digits count as this kind's */
    boolean accepts(String match) {
        String digits = match.replaceAll("[^0-9]", "");
        return switch (this) {
            case CREDIT_CARD -> digits.length() >= 13 && digits.length() <= 19 && luhn(digits);
            case IBAN_CODE -> iban(match.replace(" ", ""));
            case PHONE_NUMBER -> digits.length() <= 15 && (match.startsWith("+") || match.startsWith("(")
                    ? digits.length() >= 7 : digits.length() >= 10 && match.split("[ .-]").length >= 3);
            default -> true;
        };
    }

    private static boolean luhn(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int digit = digits.charAt(i) - '0';
            if (doubled) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /** ISO 13616: the first four characters moved to the end, letters as numbers, mod 97 is 1. */
    private static boolean iban(String iban) {
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        StringBuilder numeric = new StringBuilder();
        for (char c : (iban.substring(4) + iban.substring(0, 4)).toUpperCase(Locale.ROOT).toCharArray()) {
            numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }
}
