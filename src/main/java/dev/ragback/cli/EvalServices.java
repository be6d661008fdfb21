package dev.ragback.cli;

import dev.ragback.adapters.eval.CommandEvalRunner;
import dev.ragback.adapters.eval.JsonlEvalTranscript;
import dev.ragback.adapters.openai.OpenAiChatModel;
import dev.ragback.adapters.os.ChildContext;
import dev.ragback.adapters.ragservice.HttpRagService;
import dev.ragback.app.RagbackException;
import dev.ragback.app.eval.EvalPolicy;
import dev.ragback.app.eval.EvalService;
import dev.ragback.app.eval.JudgeEvaluation;
import dev.ragback.app.port.ChatModel;
import dev.ragback.app.port.EvalRunner;
import dev.ragback.app.port.RagService;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigKeys;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The composition root's evaluation part (eval.mode command or judge), built for {@link Services}. */
final class EvalServices {
    static final Duration JUDGE_QUERY_TIMEOUT = Duration.ofMinutes(2);

    private final Config config;
    private final ChildContext children;

    EvalServices(Config config, ChildContext children) {
        this.config = config;
        this.children = children;
    }

    /** The evaluator of eval.mode command; fails MALFORMED_INPUT without eval.command. */
    EvalRunner evalRunner() {
        List<String> command = config.get(ConfigKeys.EVAL_COMMAND);
        if (command == null) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "eval.command is not set",
                    "set eval.command in ops/ragback.yaml to the evaluator's argv, e.g. "
                            + "[python3, ops/eval/quick_eval.py, --n, \"{queries}\", --out, \"{output}\"]");
        }
        return new CommandEvalRunner(command, config.get(ConfigKeys.EVAL_TIMEOUT), children);
    }

    boolean judgeMode() {
        return switch (config.get(ConfigKeys.EVAL_MODE)) {
            case COMMAND -> false;
            case JUDGE -> true;
        };
    }

    EvalService eval() {
        EvalPolicy policy = new EvalPolicy(config.get(ConfigKeys.EVAL_QUERIES), config.get(ConfigKeys.EVAL_THRESHOLDS),
                config.get(ConfigKeys.EVAL_MAX_INVALID));
        return judgeMode() ? new EvalService(judgeEvaluation(), policy) : new EvalService(evalRunner(), policy);
    }

    /** eval.mode judge: the RAG service, the judge and the audit file; MALFORMED_INPUT when a required key is unset. */
    JudgeEvaluation judgeEvaluation() {
        RagService rag = ragService();
        ChatModel judge = chatModel();
        List<String> secrets = java.util.Arrays.asList(config.get(ConfigKeys.EVAL_JUDGE_API_KEY), config.get(ConfigKeys.EVAL_RAG_AUTH));
        // the default eval.timeout is sized for a whole command-mode run; judge mode applies it per query
        Duration perQuery = config.setting(ConfigKeys.EVAL_TIMEOUT).source() == dev.ragback.config.Source.DEFAULT
                ? JUDGE_QUERY_TIMEOUT : config.get(ConfigKeys.EVAL_TIMEOUT);
        return new JudgeEvaluation(rag, judge, () -> JsonlEvalTranscript.create(config.get(ConfigKeys.EVAL_AUDIT_DIR), Clock.systemUTC(),
                secrets), new JudgeEvaluation.Settings(config.get(ConfigKeys.EVAL_DATASET), config.get(ConfigKeys.EVAL_CONCURRENCY),
                perQuery), Clock.systemUTC());
    }

    RagService ragService() {
        return new HttpRagService(new HttpRagService.Settings(required(ConfigKeys.EVAL_RAG_URL), config.get(ConfigKeys.EVAL_RAG_AUTH),
                config.get(ConfigKeys.EVAL_RAG_ANSWER_POINTER), config.get(ConfigKeys.EVAL_RAG_CONTEXTS_POINTER),
                config.get(ConfigKeys.EVAL_RETRIES)));
    }

    ChatModel chatModel() {
        return new OpenAiChatModel(new OpenAiChatModel.Settings(required(ConfigKeys.EVAL_JUDGE_URL), required(ConfigKeys.EVAL_JUDGE_MODEL),
                config.get(ConfigKeys.EVAL_JUDGE_API_KEY), config.get(ConfigKeys.EVAL_JUDGE_MAX_TOKENS), config.get(ConfigKeys.EVAL_JUDGE_SEED),
                config.get(ConfigKeys.EVAL_RETRIES)));
    }

    private <T> T required(dev.ragback.config.Key<T> key) {
        T value = config.get(key);
        if (value == null) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "eval.mode judge needs " + key.name() + ", which is not set",
                    "set it in ops/ragback.yaml (docs/judge.md shows vLLM, Ollama and OpenAI examples)");
        }
        return value;
    }
}
