{{ stg_audience_demographics(source('raw', 'facebook__audience_demographics')) }}
