/** The satisfaction question at the end of a chat: five stars, then a thank-you. */
import { Star } from "lucide-preact";
import { t } from "../boot";
import { newMessage, queue } from "../connection";
import { RATED, save } from "../saved";
import { ratings } from "../store";

export function Rating({ surveyId, given }: { surveyId: string; given: number | undefined }) {
  function rate(n: number): void {
    ratings.value = { ...ratings.value, [surveyId]: n };
    save(RATED, JSON.stringify(ratings.value));
    // Answered the way every channel answers a survey: a reply of 1 to 5 (the hub records it as the rating).
    queue(newMessage(String(n)), { kind: "rating" });
  }
  if (given !== undefined) {
    return (
      <div class="rating rating-done" role="status">
        <p class="rating-thanks">{t("Thank you for your feedback!")}</p>
        <p class="rating-given">{t("Thanks for rating us %(n)s out of 5.", { n: given })}</p>
      </div>
    );
  }
  return (
    <div class="rating">
      <p id={`rate-${surveyId}`} class="rating-question">
        {t("How did we do?")}
      </p>
      <div class="stars" role="group" aria-labelledby={`rate-${surveyId}`}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button key={n} type="button" class="star" aria-label={t("%(n)s out of 5", { n })} onClick={() => rate(n)}>
            <Star size={26} aria-hidden="true" />
          </button>
        ))}
      </div>
    </div>
  );
}
