//! Command-line entry: parse arguments, call the library.

use clap::{Parser, Subcommand, ValueEnum};
use liveness_coach::analysis::{AnalyzerOptions, EyeSource};
use liveness_coach::cmd;
use liveness_coach::i18n::Lang;
use liveness_coach::session::{plan, SessionConfig};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "liveness-coach",
    version,
    about = "Rehearse and diagnose webcam liveness checks (blink, turn, nod), offline"
)]
struct Cli {
    /// Folder with the model files and their SHA256SUMS (default: the models built into the binary).
    #[arg(long, global = true, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Language of messages: en or zh (default: from the system locale).
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    En,
    Zh,
}

#[derive(Clone, Copy, ValueEnum)]
enum EyesArg {
    Mesh,
    Iris,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a recording (video file, .y4m, image or folder of images, `-` for Y4M on stdin).
    Analyze {
        input: String,
        /// Write the analysis as JSON to PATH (`-` for standard output).
        #[arg(long, value_name = "PATH")]
        json: Option<PathBuf>,
        /// Landmarks eye openness is measured from: the iris model's eyelids (more accurate, default) or the mesh alone (faster).
        #[arg(long, value_enum, default_value = "iris")]
        eyes: EyesArg,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Rehearse a liveness check with the webcam, in a window: prompts, live hints, a result.
    Practice {
        /// Camera number (see `liveness-coach cameras`).
        #[arg(long, default_value_t = 0)]
        camera: u32,
        /// Run the session on a recording instead of the camera (played at its own frame rate).
        #[arg(long, value_name = "FILE")]
        source: Option<String>,
        /// No window: run the session over every frame and print what happens (use with --source).
        #[arg(long)]
        headless: bool,
        /// Prompts to ask, in this order, comma-separated: blink, turn_left, turn_right, nod
        /// (default: all four in a random order).
        #[arg(long, value_name = "LIST")]
        challenges: Option<String>,
        /// Seed of the random prompt order, to repeat a session (default: a new one each time).
        #[arg(long)]
        seed: Option<u64>,
        /// Skip get-ready, centring and hold-still: prompts start at the first frame with a face.
        #[arg(long)]
        no_intro: bool,
        /// Time limit of each prompt, in seconds.
        #[arg(long, value_name = "SECS", default_value_t = liveness_coach::session::PROMPT_TIMEOUT_S)]
        prompt_timeout: f64,
        /// Save the session's results as JSON (`-` for standard output).
        #[arg(long, value_name = "PATH")]
        report: Option<PathBuf>,
        /// Save the frames seen as a Y4M video, to analyse later (nothing is saved without it).
        #[arg(long, value_name = "PATH")]
        record: Option<PathBuf>,
        /// Draw the face mesh and eye outlines the model sees (toggle with L).
        #[arg(long)]
        landmarks: bool,
        #[arg(long, value_enum, default_value = "iris")]
        eyes: EyesArg,
        /// Window size, WIDTHxHEIGHT.
        #[arg(long, value_name = "WxH", default_value = "960x720", value_parser = parse_size)]
        window: (usize, usize),
    },
    /// List cameras and the formats they support.
    Cameras,
    /// Time every pipeline stage per frame on a recording (median, 95th percentile).
    Bench {
        input: String,
        #[arg(long, value_enum, default_value = "iris")]
        eyes: EyesArg,
        /// Play the clip N times as one continuous stream (a soak): memory and time per frame are printed after each pass.
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        repeat: u32,
        /// Leave out drawing the window's picture.
        #[arg(long)]
        no_draw: bool,
    },
}

fn lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Zh) => Lang::Zh,
        None => {
            Lang::from_env_value(&["LC_ALL", "LC_MESSAGES", "LANG"].map(|k| std::env::var(k).ok()))
        }
    }
}

fn eye_source(e: EyesArg) -> EyeSource {
    match e {
        EyesArg::Mesh => EyeSource::Mesh,
        EyesArg::Iris => EyeSource::Iris,
    }
}

fn parse_size(s: &str) -> Result<(usize, usize), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("`{s}` is not WIDTHxHEIGHT"))?;
    let w: usize = w
        .trim()
        .parse()
        .map_err(|_| format!("bad width in `{s}`"))?;
    let h: usize = h
        .trim()
        .parse()
        .map_err(|_| format!("bad height in `{s}`"))?;
    if !(320..=7680).contains(&w) || !(240..=4320).contains(&h) {
        return Err(format!("window {w}x{h} is outside 320x240 to 7680x4320"));
    }
    Ok((w, h))
}

/// The session script from the command line.
fn practice_session(
    challenges: Option<String>,
    seed: Option<u64>,
    no_intro: bool,
    prompt_timeout: f64,
) -> anyhow::Result<SessionConfig> {
    if !(prompt_timeout.is_finite() && (1.0..=600.0).contains(&prompt_timeout)) {
        anyhow::bail!("--prompt-timeout {prompt_timeout}: give a number of seconds from 1 to 600");
    }
    // Given prompts are asked in the order given; otherwise all four, shuffled.
    let shuffle = challenges.is_none();
    let challenges = match challenges {
        Some(c) => plan::parse_challenges(&c).map_err(|e| anyhow::anyhow!("--challenges: {e}"))?,
        None => plan::DEFAULT_CHALLENGES.to_vec(),
    };
    // A new order each run unless a seed is given; the seed used is in the report.
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    Ok(SessionConfig {
        challenges,
        shuffle,
        seed,
        prompt_timeout_s: prompt_timeout,
        intro: !no_intro,
        wait_for_key: false,
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = lang(cli.lang);
    let result = match cli.command {
        Command::Analyze {
            input,
            json,
            eyes,
            quiet,
        } => {
            let eye_source = eye_source(eyes);
            let args = cmd::analyze::AnalyzeArgs {
                input,
                json,
                models: cli.models,
                options: AnalyzerOptions { eye_source },
                lang,
                quiet,
            };
            cmd::analyze::run(&args).map(|doc| doc.error.is_none())
        }
        Command::Practice {
            camera,
            source,
            headless,
            challenges,
            seed,
            no_intro,
            prompt_timeout,
            report,
            record,
            landmarks,
            eyes,
            window,
        } => practice_session(challenges, seed, no_intro, prompt_timeout).and_then(|session| {
            cmd::practice::run(&cmd::practice::PracticeArgs {
                camera,
                source,
                headless,
                session,
                report,
                record,
                landmarks,
                models: cli.models,
                options: AnalyzerOptions {
                    eye_source: eye_source(eyes),
                },
                lang,
                window,
            })
        }),
        Command::Cameras => cmd::cameras(),
        Command::Bench {
            input,
            eyes,
            repeat,
            no_draw,
        } => cmd::bench::run(
            &input,
            cli.models.as_deref(),
            cmd::bench::BenchOptions {
                analyzer: AnalyzerOptions {
                    eye_source: eye_source(eyes),
                },
                repeat,
                draw: !no_draw,
            },
            &mut std::io::stdout().lock(),
        )
        .map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("liveness-coach: {e:#}");
            ExitCode::from(2)
        }
    }
}
