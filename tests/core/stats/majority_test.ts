import { assertEquals } from "../../support/assert.ts";
import { MajorityAccumulator, majorityVote } from "../../../core/stats/majority.ts";

const vote = (answer: string | null, correct: boolean | null = false) => ({ answer, correct });

Deno.test("majorityVote() picks the most frequent extracted answer", () => {
  assertEquals(
    majorityVote([vote("3"), vote("5", true), vote(" 5 ", true), vote("3"), vote("5", true)]),
    { answer: "5", correct: true },
  );
});

Deno.test("majorityVote() breaks a tie in favour of the answer seen first", () => {
  assertEquals(majorityVote([vote("2"), vote("3", true), vote("3", true), vote("2")]), {
    answer: "2",
    correct: false,
  });
  assertEquals(majorityVote([vote("3", true), vote("2"), vote("2"), vote("3", true)]), {
    answer: "3",
    correct: true,
  });
});

Deno.test("majorityVote() ignores responses with no answer or no verdict", () => {
  assertEquals(majorityVote([vote(null), vote(null), vote("7", true)]), {
    answer: "7",
    correct: true,
  });
  assertEquals(majorityVote([vote("1", null), vote("1", null), vote("2", true)])?.answer, "2");
  assertEquals(majorityVote([vote(null), vote("x", null)]), null);
});

Deno.test("MajorityAccumulator votes over the first k responses of each problem", () => {
  const majority = new MajorityAccumulator();
  // Problem 1: first response wrong, the majority of 4 right.
  majority.add([vote("1"), vote("2", true), vote("2", true), vote("3")]);
  // Problem 2: nothing extracted at all: wrong for every k.
  majority.add([vote(null), vote(null), vote(null), vote(null)]);
  // Problem 3: 2 responses only: eligible for k = 2 and 1, tie goes to the first (right).
  majority.add([vote("9", true), vote("8")]);
  // maj@4: 1/2; maj@2: problem 1 tie "1" first (wrong), problem 3 right: 1/3; maj@1: 1/3.
  assertEquals(majority.finish([4, 2, 1]), {
    "k=4": 50,
    "k=2": (1 / 3) * 100,
    "k=1": (1 / 3) * 100,
  });
});
