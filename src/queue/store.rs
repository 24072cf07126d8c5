//! Object storage through the `object_store` crate, behind a synchronous
//! face: the worker's only async edge, run on a one-thread Tokio runtime.
//!
//! `file:///dir` is the local file system, `s3://bucket/prefix` an
//! S3-compatible store configured from the usual `AWS_*` variables
//! (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_REGION`, `AWS_ALLOW_HTTP`). Outputs are written with a create-only
//! put (`PutMode::Create`: `If-None-Match: *` on S3, a no-replace link
//! locally), so two workers delivering one document make one object and
//! the second gets `AlreadyExists`.

use crate::error::{Error, Result};
use object_store::path::Path as Key;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload};
use std::sync::Arc;
use std::time::SystemTime;

/// A store and the key prefix under it.
pub struct Store {
    store: Arc<dyn ObjectStore>,
    prefix: Key,
    runtime: tokio::runtime::Runtime,
    url: String,
}

/// How a create-only put went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// The object was written.
    Created,
    /// An object of that name was there and was left alone.
    AlreadyExists,
}

fn store_error(url: &str) -> impl Fn(object_store::Error) -> Error + '_ {
    move |e| Error::Config(format!("{url}: {e}"))
}

/// Is `s` a store URL (not a local path)?
pub fn is_url(s: &str) -> bool {
    s.starts_with("s3://") || s.starts_with("file://")
}

impl Store {
    /// The store at `url` (`file:///abs/dir` or `s3://bucket[/prefix]`).
    pub fn open(url: &str) -> Result<Self> {
        let parsed =
            url::Url::parse(url).map_err(|e| Error::Config(format!("{url}: not a URL: {e}")))?;
        let (store, prefix): (Arc<dyn ObjectStore>, Key) = match parsed.scheme() {
            "file" => {
                let dir = parsed
                    .to_file_path()
                    .map_err(|()| Error::Config(format!("{url}: not a local path")))?;
                std::fs::create_dir_all(&dir).map_err(|source| Error::Output {
                    path: dir.clone(),
                    source,
                })?;
                let local = object_store::local::LocalFileSystem::new_with_prefix(&dir)
                    .map_err(store_error(url))?;
                (Arc::new(local), Key::default())
            }
            "s3" => {
                let bucket = parsed.host_str().unwrap_or_default();
                let s3 = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()
                    .map_err(store_error(url))?;
                let prefix = parsed.path().trim_matches('/');
                (Arc::new(s3), Key::from(prefix))
            }
            other => {
                return Err(Error::Config(format!(
                    "{url}: unsupported store '{other}' (use file:// or s3://)"
                )));
            }
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the I/O runtime: {e}")))?;
        Ok(Store {
            store,
            prefix,
            runtime,
            url: url.trim_end_matches('/').to_string(),
        })
    }

    fn key(&self, name: &str) -> Key {
        self.prefix.parts().chain(Key::from(name).parts()).collect()
    }

    /// The URL of `name` in this store.
    pub fn url_of(&self, name: &str) -> String {
        format!("{}/{name}", self.url)
    }

    /// Write `bytes` as `name` unless `name` exists.
    pub fn put_new(&self, name: &str, bytes: Vec<u8>) -> Result<Put> {
        let opts = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        let key = self.key(name);
        let r = self
            .runtime
            .block_on(self.store.put_opts(&key, PutPayload::from(bytes), opts));
        match r {
            Ok(_) => Ok(Put::Created),
            Err(object_store::Error::AlreadyExists { .. }) => Ok(Put::AlreadyExists),
            Err(e) => Err(store_error(&self.url)(e)),
        }
    }

    /// Whether `name` exists.
    pub fn exists(&self, name: &str) -> Result<bool> {
        let key = self.key(name);
        match self.runtime.block_on(self.store.head(&key)) {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(store_error(&self.url)(e)),
        }
    }

    /// The bytes of `name`; `None` when it does not exist.
    pub fn get(&self, name: &str) -> Result<Option<(Vec<u8>, SystemTime)>> {
        let key = self.key(name);
        let r = self.runtime.block_on(async {
            let got = self.store.get(&key).await?;
            let modified = got.meta.last_modified;
            Ok::<_, object_store::Error>((got.bytes().await?.to_vec(), modified))
        });
        match r {
            Ok((bytes, modified)) => Ok(Some((bytes, SystemTime::from(modified)))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(store_error(&self.url)(e)),
        }
    }

    /// Names directly under the folder `name/` (for a document that is a
    /// prefix of page objects).
    pub fn list(&self, name: &str) -> Result<Vec<String>> {
        let key = self.key(name);
        let listed = self
            .runtime
            .block_on(self.store.list_with_delimiter(Some(&key)))
            .map_err(store_error(&self.url))?;
        Ok(listed
            .objects
            .into_iter()
            .filter_map(|o| o.location.filename().map(str::to_string))
            .collect())
    }
}
