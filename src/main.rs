//! Command-line entry: parse arguments, call the library.

use clap::{Parser, Subcommand, ValueEnum};
use liveness_coach::analysis::{AnalyzerOptions, EyeSource};
use liveness_coach::cmd;
use liveness_coach::i18n::Lang;
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
    /// Rehearse with the webcam: movements are reported as they happen.
    Practice {
        /// Camera number (see `liveness-coach cameras`).
        #[arg(long, default_value_t = 0)]
        camera: u32,
        /// Stop after this many seconds.
        #[arg(long, default_value_t = 60.0)]
        seconds: f64,
    },
    /// List cameras and the formats they support.
    Cameras,
    /// Time every pipeline stage per frame on a recording (median, 95th percentile).
    Bench {
        input: String,
        #[arg(long, value_enum, default_value = "iris")]
        eyes: EyesArg,
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
        Command::Practice { camera, seconds } => cmd::practice::run(&cmd::practice::PracticeArgs {
            camera,
            seconds,
            models: cli.models.as_deref(),
            lang,
        }),
        Command::Cameras => cmd::cameras(),
        Command::Bench { input, eyes } => cmd::bench::run(
            &input,
            cli.models.as_deref(),
            AnalyzerOptions {
                eye_source: eye_source(eyes),
            },
        )
        .map(|text| {
            print!("{text}");
            true
        }),
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
