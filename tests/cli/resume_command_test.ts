import { assertEquals } from "../support/assert.ts";
import { resumeCommand, shellQuote } from "../../cli/resume_command.ts";

Deno.test("resumeCommand() swaps --overwrite and an older --resume-from for the run folder", () => {
  assertEquals(
    resumeCommand(
      "evaluate",
      [
        "--task",
        "aime24",
        "--overwrite",
        "--resume-from=old",
        "--resume-from",
        "older",
        "--n",
        "8",
      ],
      "out/m_aime24_abc123",
    ),
    "skyeval evaluate --task aime24 --n 8 --resume-from out/m_aime24_abc123",
  );
});

Deno.test("shellQuote() quotes what a POSIX shell would split or expand", () => {
  assertEquals(
    shellQuote("base_url=http://h:8000/v1,api_key=x"),
    "base_url=http://h:8000/v1,api_key=x",
  );
  assertEquals(shellQuote("my results"), "'my results'");
  assertEquals(shellQuote(`extra_body={"k": 1}`), `'extra_body={"k": 1}'`);
  assertEquals(shellQuote("it's"), `'it'\\''s'`);
  assertEquals(shellQuote("$HOME"), "'$HOME'");
});
